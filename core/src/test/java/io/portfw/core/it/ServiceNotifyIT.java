package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portfw run} under a service manager: with {@code NOTIFY_SOCKET} it reports ready once
 * listening, reloading and ready around a SIGHUP reload, and stopping at SIGTERM, on a unix
 * datagram socket the test binds as systemd would; {@code --pid-file} holds its process id.
 */
class ServiceNotifyIT {

  @TempDir
  Path dir;

  @Test
  void notifiesReadyReloadingStopping_andWritesItsPidFile() throws Exception {
    Path socket = dir.resolve("notify.sock");
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EpollDomainDatagramChannel receiver = new EpollDomainDatagramChannel();
    receiver.pipeline().addLast(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
        messages.add(packet.content().toString(StandardCharsets.UTF_8));
      }
    });
    try {
      group.register(receiver).sync();
      receiver.bind(new DomainSocketAddress(socket.toString())).sync();
      int port = Ports.free();
      Path pidFile = dir.resolve("portfw.pid");
      Path config = Files.writeString(dir.resolve("portfw.json"), """
          { "admin": { "listen": "127.0.0.1:%d" },
            "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
            "pools": [ { "name": "web", "backends": [ { "address": "127.0.0.1:9" } ] } ] }
          """.formatted(Ports.free(), port));
      try (PortfwProcess portfw = PortfwProcess.startWith(Map.of("NOTIFY_SOCKET", socket.toString()), List.of(),
          "run", "--no-watch", "--config", config.toString(), "--pid-file", pidFile.toString())) {
        String ready = messages.poll(30, TimeUnit.SECONDS);
        assertThat(ready).as("stderr: %s", portfw.stderr()).isNotNull()
            .contains("READY=1", "STATUS=1 listener, 0 active connections", "MAINPID=" + portfw.pid());
        assertThat(Files.readString(pidFile).strip()).isEqualTo(String.valueOf(portfw.pid()));

        new ProcessBuilder("kill", "-HUP", String.valueOf(portfw.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("RELOADING=1", "MONOTONIC_USEC=");
        assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("READY=1");

        portfw.terminate();
        assertThat(messages.poll(10, TimeUnit.SECONDS)).contains("STOPPING=1");
        assertThat(portfw.exitCode()).isZero();
        assertThat(pidFile).as("removed at exit").doesNotExist();
      }
    } finally {
      receiver.close().sync();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
