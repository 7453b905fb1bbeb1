package io.portfw.health;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Short words for why talking to a backend failed, as an operator reads them in a log line. */
final class Failures {

  private Failures() {}

  private static SSLException tlsCause(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  static String describe(Throwable cause) {
    if (cause instanceof ProbeFailure f) {
      return f.getMessage();
    }
    SSLException tls = tlsCause(cause);
    if (tls != null) {
      // The deepest TLS reason ("No subject alternative DNS name matching x found"), not the wrapper's.
      Throwable root = tls;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return "TLS: " + (root.getMessage() == null ? tls.getMessage() : root.getMessage());
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
