package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Client affinity for a pool: a client address keeps its backend for {@code ttl} after its
 * last connection, in a table of at most {@code maxEntries} addresses.
 */
public record StickyConfig(Duration ttl, int maxEntries) {

  public static final Duration DEFAULT_TTL = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  public static final int MAX_ENTRIES_LIMIT = 10_000_000;

  public StickyConfig {
    requireNonNull(ttl, "ttl");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries " + maxEntries + " < 1");
    }
  }
}
