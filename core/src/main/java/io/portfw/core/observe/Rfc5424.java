package io.portfw.core.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A syslog message as RFC 5424 lays it out: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID
 * MSGID STRUCTURED-DATA MSG}. portfw sends facility local0, severity informational, app name
 * {@code portfw}, its process id, message id {@code access}, no structured data ({@code -}), and
 * the access line as the message.
 */
final class Rfc5424 {

  static final int LOCAL0 = 16;
  static final int INFORMATIONAL = 6;

  private final String afterTime;

  Rfc5424(String hostName, long pid) {
    this.afterTime = " " + printable(hostName) + " portfw " + pid + " access - ";
  }

  /** For this host and process. */
  static Rfc5424 here() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "-"; // the nil value RFC 5424 allows
    }
    return new Rfc5424(host, ProcessHandle.current().pid());
  }

  /** The message for one line, stamped now (milliseconds, UTC). */
  byte[] message(String line) {
    String text = "<" + (LOCAL0 * 8 + INFORMATIONAL) + ">1 " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + afterTime
        + line;
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A header field is printable US-ASCII without spaces, at most 255 characters. */
  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c > 32 && c < 127 && out.length() < 255) {
        out.append(c);
      }
    }
    return out.length() == 0 ? "-" : out.toString();
  }
}
