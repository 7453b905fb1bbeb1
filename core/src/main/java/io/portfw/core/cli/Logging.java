package io.portfw.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.portfw.config.LoggingConfig;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The level and format of portfw's own log, as the operator sets them: {@code --log-level} wins
 * over {@code PORTFW_LOG_LEVEL}, which wins over the config's {@code logging.level}; the format
 * comes from the config only. Changes take effect at once, for every thread.
 */
final class Logging {

  private static volatile LoggingConfig.Format format = LoggingConfig.Format.TEXT;
  private static LoggerContext context; // set once Logback is configured by LogSetup; null under a file of the user's
  private static LoggingConfig.Level fixedLevel;
  private static String fixedBy;
  private static LoggingConfig inForce = LoggingConfig.DEFAULT;

  private Logging() {}

  /** The format in force; read by every log event, so only a volatile read. */
  static LoggingConfig.Format format() {
    return format;
  }

  static synchronized void installed(LoggerContext logback) {
    context = logback;
  }

  /** Sets the level whatever the config says; {@code by} names the setting for the log line. */
  static synchronized void fixLevel(LoggingConfig.Level level, String by) {
    fixedLevel = level;
    fixedBy = by;
    setRootLevel(level);
  }

  /** Applies a config's {@code logging} section (at start and on each reload); logs a line when something changed. */
  static synchronized void apply(LoggingConfig config) {
    if (config.equals(inForce)) {
      return;
    }
    inForce = config;
    LoggingConfig.Level level = fixedLevel != null ? fixedLevel : config.level();
    if (context == null) {
      LoggerFactory.getLogger(Logging.class).info("logging: left to -Dlogback.configurationFile; the config's is not used");
      return;
    }
    setRootLevel(level);
    format = config.format();
    Logger log = LoggerFactory.getLogger(Logging.class);
    if (fixedLevel != null) {
      log.info("logging: level {} (set by {}, over the config's {}), format {}", word(level), fixedBy,
          word(config.level()), word(config.format()));
    } else {
      log.info("logging: level {}, format {}", word(level), word(config.format()));
    }
  }

  private static void setRootLevel(LoggingConfig.Level level) {
    if (context == null) {
      LoggerFactory.getILoggerFactory(); // makes Logback configure itself, which sets the context
    }
    if (context != null) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.name()));
    }
  }

  private static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
