package io.portfw.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one active health check.
 *
 * @param detail what was seen ("HTTP 200", "connected") or why it failed ("connect refused")
 */
public record CheckResult(Instant at, boolean passed, String detail, Duration took) {

  public CheckResult {
    requireNonNull(at, "at");
    requireNonNull(detail, "detail");
    requireNonNull(took, "took");
  }
}
