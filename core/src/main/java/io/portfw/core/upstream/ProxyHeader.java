package io.portfw.core.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.portfw.config.ProxyProtocol;
import io.portfw.core.observe.TlsFacts;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the PROXY protocol header that tells a backend who the client is, as the first bytes on
 * a new backend connection, before anything the client sent. Netty's encoder is put in the
 * pipeline for that one write and taken out again: the relayed bytes never pass through it.
 */
final class ProxyHeader {

  private static final String ENCODER = "portfw-proxy-header";
  /** PP2_SUBTYPE_SSL_CIPHER, which Netty's type list leaves out. */
  private static final byte SSL_CIPHER = 0x23;
  private static final byte CLIENT_SSL = 0x01;
  private static final byte CLIENT_CERT_CONN = 0x02;

  private ProxyHeader() {}

  /**
   * @param client the client's address (as a PROXY header in front told it, when there was one)
   * @param local the address the client connected to
   * @param tls what the client's TLS handshake with portfw settled, or null: v2 carries it as TLVs
   */
  static void write(Channel backend, ProxyProtocol version, InetSocketAddress client, InetSocketAddress local,
      TlsFacts tls) {
    boolean v4 = client.getAddress() instanceof Inet4Address && local.getAddress() instanceof Inet4Address;
    InetSocketAddress destination = local;
    if (!v4 && local.getAddress() instanceof Inet4Address) {
      destination = new InetSocketAddress(mapped(local), local.getPort()); // both sides of one family
    }
    InetSocketAddress source = client;
    if (!v4 && client.getAddress() instanceof Inet4Address) {
      source = new InetSocketAddress(mapped(client), client.getPort());
    }
    HAProxyMessage header = new HAProxyMessage(
        version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2,
        HAProxyCommand.PROXY, v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        source.getAddress().getHostAddress(), destination.getAddress().getHostAddress(),
        source.getPort(), destination.getPort(), version == ProxyProtocol.V2 ? tlvs(tls) : List.of());
    backend.pipeline().addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
    backend.write(header, backend.voidPromise());
    backend.pipeline().remove(ENCODER);
  }

  /**
   * The TLS facts as HAProxy sends them (PROXY protocol 2.2): ALPN, the authority (server name),
   * and the SSL TLV with the client flags, the version, the cipher and the client certificate's CN.
   */
  static List<HAProxyTLV> tlvs(TlsFacts tls) {
    if (tls == null) {
      return List.of();
    }
    List<HAProxyTLV> tlvs = new ArrayList<>();
    if (tls.alpn() != null) {
      tlvs.add(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_ALPN, ascii(tls.alpn())));
    }
    if (tls.serverName() != null) {
      tlvs.add(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_AUTHORITY, ascii(tls.serverName())));
    }
    List<HAProxyTLV> ssl = new ArrayList<>();
    ssl.add(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_SSL_VERSION, ascii(tls.protocol())));
    ssl.add(new HAProxyTLV(SSL_CIPHER, ascii(tls.cipher())));
    byte client = CLIENT_SSL;
    if (tls.clientSubject() != null) {
      client |= CLIENT_CERT_CONN;
      String cn = tls.clientCn();
      if (cn != null) {
        ssl.add(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_SSL_CN, utf8(cn)));
      }
    }
    // verify 0: a client certificate we hold was verified (an unverified one fails the handshake).
    tlvs.add(new HAProxySSLTLV(0, client, ssl));
    return tlvs;
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  private static InetAddress mapped(InetSocketAddress a) {
    byte[] v4 = a.getAddress().getAddress();
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    try {
      return Inet6Address.getByAddress(null, v6, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
