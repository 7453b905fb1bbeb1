package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * One line per finished connection, written off the event loops.
 *
 * @param output {@code "stdout"}, {@code "stderr"}, a file path (appended to, reopened on SIGUSR1), or syslog:
 *     {@code "syslog://HOST:PORT"} (RFC 5424 over UDP) or {@code "syslog:/dev/log"} (a unix datagram socket)
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
    SyslogTarget.of(output); // throws when a syslog output is malformed
  }

  /** Where it goes when the output is syslog. */
  public java.util.Optional<SyslogTarget> syslog() {
    return SyslogTarget.of(output);
  }
}
