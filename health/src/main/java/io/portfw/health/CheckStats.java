package io.portfw.health;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A backend's active checks so far: the last result, how many ran and how many failed. */
public record CheckStats(Optional<CheckResult> last, long run, long failed) {

  public CheckStats {
    requireNonNull(last, "last");
  }
}
