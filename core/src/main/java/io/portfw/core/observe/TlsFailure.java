package io.portfw.core.observe;

import java.util.Locale;

/** Why a TLS handshake on a listener did not complete, as the metrics count it. */
public enum TlsFailure {
  /** Not finished within the listener's handshake timeout. */
  TIMEOUT,
  /** No protocol version or cipher in common, or what came was not TLS. */
  PROTOCOL,
  /** The client's certificate was missing, untrusted or unreadable (with clientAuth), or it refused ours. */
  CERTIFICATE,
  /** The client closed or reset the connection during the handshake. */
  CLOSED,
  /** Anything else; the debug log has the detail. */
  OTHER;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of failure a handshake error message names (BoringSSL's and the JDK's wordings). */
  public static TlsFailure of(String detail) {
    String d = detail.toLowerCase(Locale.ROOT);
    if (d.contains("timeout") || d.contains("timed out")) {
      return TIMEOUT;
    }
    if (d.contains("certificate") || d.contains("unknown_ca") || d.contains("unknown ca") || d.contains("pkix")
        || d.contains("verify")) {
      return CERTIFICATE;
    }
    if (d.contains("protocol") || d.contains("version") || d.contains("cipher") || d.contains("not an ssl")
        || d.contains("http_request") || d.contains("wrong_version") || d.contains("unsupported")) {
      return PROTOCOL;
    }
    if (d.contains("closed") || d.contains("reset") || d.contains("eof")) {
      return CLOSED;
    }
    return OTHER;
  }
}
