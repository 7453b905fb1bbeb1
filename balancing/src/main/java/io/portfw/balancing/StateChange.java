package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

/** A backend's state before and after one of its inputs (operator, checks, ejection) changed. */
public record StateChange(BackendState from, BackendState to) {

  public StateChange {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
  }

  public boolean changed() {
    return from != to;
  }

  @Override
  public String toString() {
    return from + " -> " + to;
  }
}
