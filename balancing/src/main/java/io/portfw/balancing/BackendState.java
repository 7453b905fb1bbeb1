package io.portfw.balancing;

/** What a backend may be given. Health checks and the operator change it; strategies only read it. */
public enum BackendState {
  /** Takes new connections. */
  UP,
  /** Failing its checks: no new connections. */
  DOWN,
  /** Taken out by the operator: live connections continue, no new ones. */
  DRAINING,
  /** Taken out by the operator: no new connections. */
  DISABLED;

  public boolean acceptsNewConnections() {
    return this == UP;
  }
}
