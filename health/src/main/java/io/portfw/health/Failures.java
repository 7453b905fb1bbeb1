package io.portfw.health;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Short words for why talking to a backend failed, as an operator reads them in a log line. */
final class Failures {

  private Failures() {}

  static String describe(Throwable cause) {
    if (cause instanceof ProbeFailure f) {
      return f.getMessage();
    }
    if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException) {
      return "connect timed out";
    }
    if (cause instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (cause instanceof UnknownHostException) {
      return "cannot resolve " + cause.getMessage();
    }
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("connection refused")) {
      return "connect refused";
    }
    if (message.contains("connection reset")) {
      return "reset by backend";
    }
    if (cause instanceof ConnectException) {
      return "connect failed: " + cause.getMessage();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
