package io.portfw.balancing;

/** What the operator says about a backend; health checks never change it. */
public enum AdminState {
  /** Takes traffic whenever its health allows. */
  ENABLED,
  /** Live connections go on, new ones go elsewhere. */
  DRAINING,
  /** Taken out: no new connections. */
  DISABLED
}
