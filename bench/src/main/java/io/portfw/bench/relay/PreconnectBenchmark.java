package io.portfw.bench.relay;

import io.portfw.bench.BenchmarkDefaults;
import io.portfw.config.ConfigLoader;
import io.portfw.core.runtime.PortfwRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time from a client's connect to the first byte of the answer, through portfw in process, with
 * and without warm backend connections (pool key {@code preconnect}): each operation connects,
 * sends one byte, reads the echo and resets (so no TIME_WAIT piles up). The backend is a Vert.x
 * echo server in the same JVM; on loopback a connect costs tens of microseconds, so what
 * preconnect saves here is the backend's accept and portfw's connect; over a network it also
 * saves a round trip.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar PreconnectBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PreconnectBenchmark extends BenchmarkDefaults {

  @Param({"off", "on"})
  String preconnect;

  private Vertx backendVertx;
  private NetServer echo;
  private PortfwRuntime runtime;
  private int port;

  @Setup(Level.Trial)
  public void start() throws Exception {
    backendVertx = Vertx.vertx();
    // Clients end with a reset (no TIME_WAIT): the echo server ignores it rather than logging each one.
    echo = backendVertx.createNetServer().connectHandler(s -> s.exceptionHandler(e -> { }).handler(s::write));
    int backendPort = echo.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    port = freePort();
    String warm = preconnect.equals("on") ? "\"preconnect\": { \"connections\": 32, \"maxIdle\": \"1m\" }," : "";
    runtime = PortfwRuntime.start(ConfigLoader.parse("""
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [ { "name": "bench", "listen": "127.0.0.1:%d", "pool": "echo" } ],
          "pools": [ { "name": "echo", %s "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
        """.formatted(freePort(), port, warm, backendPort), "benchmark"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Thread.sleep(1_500); // the first warm connections are made within a second of start
  }

  @Benchmark
  public int connectToFirstByte() throws IOException {
    try (Socket client = new Socket()) {
      client.setTcpNoDelay(true);
      client.setSoLinger(true, 0);
      client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      client.setSoTimeout(5_000);
      client.getOutputStream().write('x');
      InputStream in = client.getInputStream();
      int b = in.read();
      if (b != 'x') {
        throw new IOException("expected the echo, got " + b);
      }
      return b;
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    runtime.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    backendVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
