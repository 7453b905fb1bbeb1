package io.portfw.balancing;

/**
 * Told how live connections to a pool's backends went, for passive health checking. Called
 * from every event loop, so implementations are thread-safe and cheap on the success path.
 */
public interface ConnectionOutcomes {

  /** For pools without passive health checking. */
  ConnectionOutcomes IGNORED = new ConnectionOutcomes() {
    @Override
    public void connectFailed(Backend backend, Throwable cause) {}

    @Override
    public void ended(Backend backend, boolean resetByBackend) {}
  };

  /** A connect to {@code backend} failed: refused, timed out, unreachable. */
  void connectFailed(Backend backend, Throwable cause);

  /** A connection to {@code backend} ended; {@code resetByBackend} when the backend reset it. */
  void ended(Backend backend, boolean resetByBackend);
}
