package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * One line per finished connection, written off the event loops.
 *
 * @param output {@code "stdout"}, {@code "stderr"} or a file path (appended to)
 */
public record AccessLogConfig(Format format, String output) {

  /** How each line is written. */
  public enum Format {
    /** Space-separated fields, as HAProxy's tcplog and nginx's stream log read. */
    PLAIN,
    /** One JSON object per line, for log shippers. */
    JSON
  }

  public AccessLogConfig {
    requireNonNull(format, "format");
    requireNonNull(output, "output");
  }
}
