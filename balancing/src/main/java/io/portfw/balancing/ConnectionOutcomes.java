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
    public void ended(Backend backend, boolean resetByBackend, long connectedNanos) {}
  };

  /** A connect to {@code backend} failed: refused, timed out, unreachable. */
  void connectFailed(Backend backend, Throwable cause);

  /**
   * A connection to {@code backend} ended; {@code resetByBackend} when the backend reset it.
   * {@code connectedNanos} ({@link System#nanoTime()}) says when it was established: a clean end
   * of a connection older than the backend's last failure says nothing about the backend now.
   */
  void ended(Backend backend, boolean resetByBackend, long connectedNanos);
}
