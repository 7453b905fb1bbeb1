package io.portfw.balancing;

/**
 * What a backend may be given, derived from the operator's {@link AdminState}, the verdict of
 * its health checks and passive ejection. Strategies only read it.
 */
public enum BackendState {
  /** Takes new connections. */
  UP,
  /** Failing its checks or ejected for failing traffic: no new connections. */
  DOWN,
  /** Taken out by the operator: live connections continue, no new ones. */
  DRAINING,
  /** Taken out by the operator: no new connections. */
  DISABLED;

  public boolean acceptsNewConnections() {
    return this == UP;
  }
}
