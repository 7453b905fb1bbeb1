package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Passive health: a backend whose live traffic fails {@code consecutiveFailures} times in a
 * row (connect failures, resets) is ejected for {@code ejectionTime} times the number of its
 * recent ejections, at most {@code maxEjectionTime}. At most {@code maxEjectionPercent} of the
 * pool (at least one backend, never all of them) is ejected at once.
 */
public record OutlierConfig(int consecutiveFailures, Duration ejectionTime, Duration maxEjectionTime,
    int maxEjectionPercent) {

  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  public static final int MAX_CONSECUTIVE_FAILURES = 1000;
  public static final Duration DEFAULT_EJECTION_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofMinutes(5);
  /** Higher than Envoy's 10: portfw pools are often two to four servers, where one is already 25-50%. */
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

  public static final OutlierConfig DEFAULT = new OutlierConfig(DEFAULT_CONSECUTIVE_FAILURES, DEFAULT_EJECTION_TIME,
      DEFAULT_MAX_EJECTION_TIME, DEFAULT_MAX_EJECTION_PERCENT);

  public OutlierConfig {
    requireNonNull(ejectionTime, "ejectionTime");
    requireNonNull(maxEjectionTime, "maxEjectionTime");
    if (consecutiveFailures < 1 || maxEjectionPercent < 1 || maxEjectionPercent > 100) {
      throw new IllegalArgumentException("consecutiveFailures >= 1, maxEjectionPercent 1-100");
    }
    if (maxEjectionTime.compareTo(ejectionTime) < 0) {
      throw new IllegalArgumentException("maxEjectionTime < ejectionTime");
    }
  }
}
