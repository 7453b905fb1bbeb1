package io.portfw.core.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The log level an operator sets with {@code PORTFW_LOG_LEVEL}: it becomes slf4j-simple's default
 * level, which must be set before the first logger is made. A system property set on the JVM's
 * command line wins.
 */
final class LogLevel {

  static final String VARIABLE = "PORTFW_LOG_LEVEL";
  static final String PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

  private LogLevel() {}

  /** Applies {@code value} (the variable's, or null when unset); the error to print when it is not a level. */
  static Optional<String> apply(String value) {
    if (value == null || value.isBlank() || System.getProperty(PROPERTY) != null) {
      return Optional.empty();
    }
    String level = value.strip().toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      return Optional.of(VARIABLE + ": \"" + value + "\" is not a log level (use one of " + String.join(", ", LEVELS) + ")");
    }
    System.setProperty(PROPERTY, level);
    return Optional.empty();
  }
}
