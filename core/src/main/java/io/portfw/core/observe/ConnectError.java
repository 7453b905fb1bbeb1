package io.portfw.core.observe;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import javax.net.ssl.SSLException;
import io.netty.channel.ConnectTimeoutException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Why a backend connect failed, in a few words fit for a metric tag. */
public enum ConnectError {
  REFUSED, TIMEOUT, UNREACHABLE, RESET, UNRESOLVED,
  /** Connected, but the TLS handshake with the backend failed (its certificate not trusted, no common protocol). */
  TLS,
  OTHER;

  public static ConnectError of(Throwable cause) {
    if (cause instanceof SSLException || cause instanceof SslHandshakeTimeoutException
        || (cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
      return TLS;
    }
    if (cause instanceof ConnectTimeoutException) {
      return TIMEOUT;
    }
    if (cause instanceof NoRouteToHostException) {
      return UNREACHABLE;
    }
    if (cause instanceof UnknownHostException) {
      return UNRESOLVED;
    }
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("refused")) {
      return REFUSED;
    }
    if (message.contains("reset")) {
      return RESET;
    }
    if (message.contains("unreachable") || message.contains("no route")) {
      return UNREACHABLE;
    }
    return OTHER;
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
