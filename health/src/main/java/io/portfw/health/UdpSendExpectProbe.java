package io.portfw.health;

import io.portfw.config.ProbeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The UDP form of send-expect: one datagram to the backend, healthy when a datagram from that
 * backend's address and port matches the regular expression before the timeout. Datagrams from
 * anywhere else are ignored. Bytes and characters are one to one (ISO-8859-1), so a DNS query
 * can be written with {@code \\u00XX} escapes.
 */
final class UdpSendExpectProbe implements Probe {

  private final Vertx vertx;
  private final Buffer send;
  private final Pattern expect;
  private final int timeoutMillis;

  UdpSendExpectProbe(Vertx vertx, ProbeConfig.SendExpect config, int timeoutMillis) {
    this.vertx = vertx;
    this.send = Buffer.buffer(config.send().getBytes(StandardCharsets.ISO_8859_1));
    this.expect = Pattern.compile(config.expect());
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<String> check(String host, int port) {
    Attempt attempt = new Attempt(vertx, timeoutMillis, () -> " waiting for a datagram matching /" + expect + "/");
    if (!io.netty.util.NetUtil.isValidIpV4Address(host) && !io.netty.util.NetUtil.isValidIpV6Address(host)) {
      // A host name is looked up off the event loop that runs the checks.
      vertx.executeBlocking(() -> InetAddress.getByName(host), false).onComplete(resolved -> {
        if (resolved.failed()) {
          attempt.fail("cannot resolve " + host);
        } else if (!attempt.isDone()) {
          exchange(attempt, resolved.result(), port);
        }
      });
      return attempt.future();
    }
    exchange(attempt, addressOf(host), port);
    return attempt.future();
  }

  private void exchange(Attempt attempt, InetAddress target, int port) {
    // Large enough for any datagram: Vert.x would otherwise cut replies at 2 KiB.
    DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(65_536)
        .setIpV6(target instanceof java.net.Inet6Address));
    attempt.onEnd(socket::close);
    socket.handler(packet -> {
      if (attempt.isDone() || packet.sender().port() != port || !addressOf(packet.sender().host()).equals(target)) {
        return;
      }
      Matcher match = expect.matcher(packet.data().toString(StandardCharsets.ISO_8859_1));
      if (match.find()) {
        attempt.pass("matched \"" + match.group() + "\"");
      }
    });
    socket.listen(0, target instanceof java.net.Inet6Address ? "::" : "0.0.0.0")
        .compose(bound -> socket.send(send, port, target.getHostAddress()))
        .onFailure(attempt::fail);
  }

  private static InetAddress addressOf(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      return InetAddress.getLoopbackAddress();
    }
  }
}
