package io.portfw.core.cli;

import io.portfw.config.LoggingConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The log level an operator sets on the command line ({@code --log-level}) or in
 * {@code PORTFW_LOG_LEVEL}; either wins over the config's {@code logging.level}, the option over
 * the variable.
 */
final class LogLevel {

  static final String VARIABLE = "PORTFW_LOG_LEVEL";
  static final String OPTION = "--log-level";
  static final String WORDS = Arrays.stream(LoggingConfig.Level.values())
      .map(l -> l.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));

  private LogLevel() {}

  /** Applies {@code value} (the variable's, or null when unset); the error to print when it is not a level. */
  static Optional<String> apply(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Optional<LoggingConfig.Level> level = parse(value);
    if (level.isEmpty()) {
      return Optional.of(VARIABLE + ": " + notALevel(value));
    }
    Logging.fixLevel(level.get(), VARIABLE);
    return Optional.empty();
  }

  static Optional<LoggingConfig.Level> parse(String value) {
    try {
      return Optional.of(LoggingConfig.Level.valueOf(value.strip().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static String notALevel(String value) {
    return "\"" + value + "\" is not a log level (use one of " + WORDS + ")";
  }
}
