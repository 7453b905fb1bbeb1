package io.portfw.core.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.internal.tcnative.SSL;
import javax.net.ssl.SSLEngine;

/** Whether a completed handshake resumed an earlier session, which the SSLEngine API does not say. */
public final class ResumedSessions {

  private ResumedSessions() {}

  /** {@code startedMillis}: when the handshake began; a JDK session created before it was taken up again. */
  public static boolean resumed(SSLEngine engine, long startedMillis) {
    if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
      return SSL.isSessionReused(openSsl.sslPointer()); // OpenSSL's own answer (its session times are in seconds)
    }
    return engine.getSession().getCreationTime() < startedMillis;
  }
}
