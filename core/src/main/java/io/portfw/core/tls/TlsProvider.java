package io.portfw.core.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation runs the handshakes: BoringSSL through netty-tcnative when its native
 * library loads (its handshakes cost a fraction of the JDK's), else the JDK's own.
 */
public final class TlsProvider {

  private TlsProvider() {}

  /** For both sides of portfw: listeners terminating TLS and pools speaking it to backends. */
  static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** For the start log: which one, and why not BoringSSL when it is not. */
  public static String describe() {
    if (OpenSsl.isAvailable()) {
      return "BoringSSL (" + OpenSsl.versionString() + ") through netty-tcnative";
    }
    Throwable why = OpenSsl.unavailabilityCause();
    return "the JDK's (netty-tcnative did not load: " + (why == null ? "unknown" : why.getMessage()) + ")";
  }
}
