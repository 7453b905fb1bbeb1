package io.portfw.testing;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** The first flight of a real TLS client (the JDK's), for tests of what reads a ClientHello. */
public final class ClientHellos {

  private ClientHellos() {}

  /** The ClientHello a client of {@code context} sends to {@code serverName} (which also goes in its SNI). */
  public static byte[] of(SSLContext context, String serverName) throws Exception {
    SSLEngine engine = context.createSSLEngine(serverName, 443);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }
}
