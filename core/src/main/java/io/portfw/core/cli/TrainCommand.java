package io.portfw.core.cli;

import io.portfw.config.AdminConfig;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.ListenAddress;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.Protocol;
import io.portfw.config.TimeoutsConfig;
import io.portfw.core.runtime.PortfwRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portfw train}: runs short TCP and UDP traffic through an in-process portfw on loopback
 * and exits, so that a JDK 25 {@code -XX:AOTCacheOutput} run records the classes and profiles
 * of the connection and datagram paths (bin/portfw makes the cache with it after a build). Hidden:
 * a build step, not an operator's command.
 */
@Command(name = "train", hidden = true,
    description = "Runs TCP and UDP traffic through portfw on loopback for a JDK AOT cache, then exits.")
final class TrainCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--connections", defaultValue = "3000", description = "TCP connections to make (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--datagrams", defaultValue = "20000", description = "UDP queries to send (default: ${DEFAULT-VALUE})")
  int datagrams;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try (DemoBackends http = DemoBackends.start(1); UdpEcho echo = new UdpEcho()) {
      int tcpPort = freePort();
      int udpPort = freePort();
      PortfwRuntime runtime = PortfwRuntime.start(config(tcpPort, http.ports().get(0), udpPort, echo.port()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int answered = 0;
        for (int i = 0; i < connections && System.nanoTime() < deadline; i++) {
          answered += request(tcpPort) ? 1 : 0;
        }
        int replies = queries(udpPort, datagrams, deadline);
        err.println("portfw train: " + answered + " of " + connections + " connections, " + replies + " of "
            + datagrams + " datagrams answered");
        return answered > 0 && replies > 0 ? ExitCodes.OK : ExitCodes.FAILURE;
      } finally {
        runtime.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static PortfwConfig config(int tcpPort, int httpBackend, int udpPort, int udpBackend) {
    TimeoutsConfig quick = TimeoutsConfig.DEFAULT.withDrain(Duration.ofSeconds(1));
    ListenerConfig tcp = new ListenerConfig("train-tcp", Protocol.TCP, ListenAddress.of("127.0.0.1", tcpPort), "http",
        quick);
    ListenerConfig udp = new ListenerConfig("train-udp", Protocol.UDP, ListenAddress.of("127.0.0.1", udpPort), "udp",
        quick);
    PoolConfig httpPool = PoolConfig.of("http", PoolConfig.DEFAULT_BALANCE,
        List.of(BackendConfig.of(new BackendAddress("127.0.0.1", httpBackend))));
    PoolConfig udpPool = PoolConfig.of("udp", PoolConfig.DEFAULT_BALANCE,
        List.of(BackendConfig.of(new BackendAddress("127.0.0.1", udpBackend))));
    return new PortfwConfig(new AdminConfig(ListenAddress.of("127.0.0.1", freePort()), Optional.empty()),
        List.of(tcp, udp), List.of(httpPool, udpPool));
  }

  /** One HTTP/1.0 request on a new connection, read to the end. */
  private static boolean request(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      s.setSoTimeout(2_000);
      s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return in.readAllBytes().length > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Queries over a few client ports, each waiting for its reply; returns how many came back. */
  private static int queries(int port, int count, long deadline) throws IOException {
    int replies = 0;
    byte[] query = new byte[64];
    byte[] reply = new byte[512];
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    for (int client = 0; client < 4; client++) {
      try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        socket.setSoTimeout(500);
        for (int i = 0; i < count / 4 && System.nanoTime() < deadline; i++) {
          socket.send(new DatagramPacket(query, query.length, to));
          try {
            socket.receive(new DatagramPacket(reply, reply.length));
            replies++;
          } catch (IOException lost) {
            // a lost datagram is no failure of a training run
          }
        }
      }
    }
    return replies;
  }

  private static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on loopback: " + e.getMessage(), e);
    }
  }

  /** A UDP server on loopback that sends every datagram back. */
  private static final class UdpEcho implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    UdpEcho() throws IOException {
      socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
      thread = new Thread(this::serve, "train-udp-echo");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      byte[] buffer = new byte[2048];
      while (!socket.isClosed()) {
        try {
          DatagramPacket p = new DatagramPacket(buffer, buffer.length);
          socket.receive(p);
          socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
