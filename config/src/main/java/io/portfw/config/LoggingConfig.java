package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * portfw's own log (not the access log): how much it says and in which form. Applied on reload,
 * in place; a level given on the command line or in {@code PORTFW_LOG_LEVEL} wins over this one.
 *
 * @param level the least severe events written
 * @param format one plain line per event, or one JSON object per line for log pipelines
 */
public record LoggingConfig(Level level, Format format) {

  /** What portfw logs when the config says nothing. */
  public static final LoggingConfig DEFAULT = new LoggingConfig(Level.INFO, Format.TEXT);

  /** The levels, from the most to the least verbose; {@code OFF} writes nothing. */
  public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, OFF }

  /** How each event is written. */
  public enum Format {
    /** {@code TIME LEVEL Logger - message}, one line per event. */
    TEXT,
    /** One JSON object per line. */
    JSON
  }

  public LoggingConfig {
    requireNonNull(level, "level");
    requireNonNull(format, "format");
  }
}
