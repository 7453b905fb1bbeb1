package io.portfw.core.observe;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * How the last attempt to apply a config went, kept for the admin API and metrics.
 *
 * @param configHash SHA-256 of the config the attempt read
 * @param summary what changed, or why nothing did
 */
public record ReloadResult(Instant time, Outcome outcome, List<String> errors, String configHash, String summary) {

  /** What an attempt came to. */
  public enum Outcome {
    /** The new config runs. */
    APPLIED,
    /** The file had nothing new. */
    UNCHANGED,
    /** The file is invalid; the running config stays. */
    INVALID,
    /** Valid, but applying failed (e.g. a port in use); the running config stays. */
    FAILED
  }

  public ReloadResult {
    requireNonNull(time, "time");
    requireNonNull(outcome, "outcome");
    errors = List.copyOf(errors);
    requireNonNull(configHash, "configHash");
    requireNonNull(summary, "summary");
  }
}
