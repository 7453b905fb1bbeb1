package io.portfw.core.observe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.portfw.config.SyslogTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each line as one RFC 5424 syslog message in a datagram, over UDP or to a unix datagram socket
 * ({@code /dev/log}). Sending never waits: a datagram the socket cannot take at once is dropped
 * and counted, as a full queue's lines are.
 */
final class SyslogOutput implements AccessLogOutput {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

  private final SyslogTarget target;
  private final Rfc5424 format;
  private final LongAdder dropped;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final DatagramChannel udp;
  private final InetSocketAddress udpTarget;
  private final EventLoopGroup group;
  private final Channel unix;
  private final DomainSocketAddress unixTarget;

  SyslogOutput(SyslogTarget target, Rfc5424 format, LongAdder dropped) throws IOException {
    this.target = target;
    this.format = format;
    this.dropped = dropped;
    if (target.udp()) {
      udpTarget = new InetSocketAddress(target.host(), target.port());
      if (udpTarget.isUnresolved()) {
        throw new IOException(target + ": cannot resolve " + target.host());
      }
      udp = DatagramChannel.open();
      udp.configureBlocking(false);
      group = null;
      unix = null;
      unixTarget = null;
    } else {
      if (!Epoll.isAvailable()) {
        throw new IOException(target + ": a unix datagram socket needs the native transport (epoll): "
            + Epoll.unavailabilityCause().getMessage());
      }
      if (!Files.exists(Path.of(target.socket()))) {
        throw new IOException(target + ": no such socket (is the syslog daemon running?)");
      }
      udp = null;
      udpTarget = null;
      unixTarget = new DomainSocketAddress(target.socket());
      // One small loop of its own: the access log opens before portfw's event loops exist.
      group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      try {
        unix = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
            .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
            .handler(new ChannelInboundHandlerAdapter()).register().syncUninterruptibly().channel();
      } catch (RuntimeException e) {
        group.shutdownGracefully();
        throw new IOException(target + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void write(String line) throws IOException {
    byte[] message = format.message(line);
    if (udp != null) {
      if (udp.send(ByteBuffer.wrap(message), udpTarget) == 0) {
        dropped.increment(); // the socket's send buffer is full
      }
      return;
    }
    if (!unix.isWritable()) {
      dropped.increment();
      return;
    }
    unix.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(message), unixTarget)).addListener(sent -> {
      if (!sent.isSuccess()) {
        dropped.increment();
        if (failing.compareAndSet(false, true)) {
          LOG.error("access log: cannot send to {} ({}); dropping lines until it can", target, sent.cause().getMessage());
        }
      } else if (failing.compareAndSet(true, false)) {
        LOG.info("access log: sending to {} again", target);
      }
    });
  }

  @Override
  public void flush() {
    // Each line left as its own datagram.
  }

  @Override
  public void close() throws IOException {
    if (udp != null) {
      udp.close();
    } else {
      unix.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Override
  public String toString() {
    return target.toString();
  }
}
