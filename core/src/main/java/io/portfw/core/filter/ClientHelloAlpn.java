package io.portfw.core.filter;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ALPN protocols a TLS ClientHello offers (RFC 7301), read without terminating TLS, for
 * routing a passthrough listener by them. Reads the ClientHello body as Netty's ClientHello
 * handler hands it over (from client_version on); anything malformed reads as no protocols.
 */
final class ClientHelloAlpn {

  private static final int ALPN_EXTENSION = 16;

  private ClientHelloAlpn() {}

  static List<String> read(ByteBuf hello) {
    List<String> protocols = new ArrayList<>();
    int at = hello.readerIndex();
    int end = hello.writerIndex();
    try {
      at += 2 + 32; // client_version, random
      at += 1 + hello.getUnsignedByte(at); // session_id
      at += 2 + hello.getUnsignedShort(at); // cipher_suites
      at += 1 + hello.getUnsignedByte(at); // compression_methods
      if (at + 2 > end) {
        return protocols; // no extensions
      }
      int extensionsEnd = Math.min(end, at + 2 + hello.getUnsignedShort(at));
      at += 2;
      while (at + 4 <= extensionsEnd) {
        int type = hello.getUnsignedShort(at);
        int length = hello.getUnsignedShort(at + 2);
        at += 4;
        if (type == ALPN_EXTENSION) {
          int listEnd = Math.min(at + length, at + 2 + hello.getUnsignedShort(at));
          for (int p = at + 2; p < listEnd; ) {
            int n = hello.getUnsignedByte(p);
            if (n == 0 || p + 1 + n > listEnd) {
              break;
            }
            protocols.add(hello.toString(p + 1, n, StandardCharsets.US_ASCII));
            p += 1 + n;
          }
          return protocols;
        }
        at += length;
      }
    } catch (IndexOutOfBoundsException malformed) {
      protocols.clear();
    }
    return protocols;
  }
}
