package io.portfw.core.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.portfw.config.ProxyProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Writes the PROXY protocol header that tells a backend who the client is, as the first bytes on
 * a new backend connection, before anything the client sent. Netty's encoder is put in the
 * pipeline for that one write and taken out again: the relayed bytes never pass through it.
 */
final class ProxyHeader {

  private static final String ENCODER = "portfw-proxy-header";

  private ProxyHeader() {}

  /**
   * @param client the client's address (as a PROXY header in front told it, when there was one)
   * @param local the address the client connected to
   */
  static void write(Channel backend, ProxyProtocol version, InetSocketAddress client, InetSocketAddress local) {
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
        source.getPort(), destination.getPort());
    backend.pipeline().addFirst(ENCODER, HAProxyMessageEncoder.INSTANCE);
    backend.write(header, backend.voidPromise());
    backend.pipeline().remove(ENCODER);
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
