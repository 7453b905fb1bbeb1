package io.portfw.bench.relay;

import io.portfw.bench.BenchmarkDefaults;
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
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round trips through the real relay, in process, over loopback: a client writes a payload,
 * portfw relays it to an echo backend and the answer back. Run it twice to see what traffic
 * counting (the bytes the admin API, metrics and access log report) costs the data path:
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar RelayBenchmark
 * java -jar bench/target/benchmarks.jar RelayBenchmark -jvmArgsAppend -Dportfw.bench.noTrafficCounting=true
 * </pre>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RelayBenchmark extends BenchmarkDefaults {

  @Param({"64", "65536"})
  int payload;

  private ServerSocket echo;
  private PortfwRuntime runtime;
  private Socket client;
  private byte[] out;
  private byte[] in;

  @Setup(Level.Trial)
  public void start() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread server = new Thread(this::serve, "echo");
    server.setDaemon(true);
    server.start();
    int port = freePort();
    ListenerConfig listener = new ListenerConfig("bench", Protocol.TCP, ListenAddress.of("127.0.0.1", port), "echo",
        TimeoutsConfig.DEFAULT);
    PoolConfig pool = PoolConfig.of("echo", PoolConfig.DEFAULT_BALANCE,
        List.of(BackendConfig.of(new BackendAddress("127.0.0.1", echo.getLocalPort()))));
    PortfwConfig config = new PortfwConfig(new AdminConfig(ListenAddress.of("127.0.0.1", freePort()), Optional.empty()),
        List.of(listener), List.of(pool));
    runtime = PortfwRuntime.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client = new Socket();
    client.setTcpNoDelay(true);
    client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    client.setSoTimeout(10_000);
    out = new byte[payload];
    in = new byte[payload];
  }

  @Benchmark
  public int roundTrip() throws IOException {
    client.getOutputStream().write(out);
    InputStream stream = client.getInputStream();
    int read = 0;
    while (read < payload) {
      int n = stream.read(in, read, payload - read);
      if (n < 0) {
        throw new IOException("closed after " + read + " bytes");
      }
      read += n;
    }
    return read;
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.close();
    runtime.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    echo.close();
  }

  private void serve() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        s.setTcpNoDelay(true);
        Thread t = new Thread(() -> {
          try (s; InputStream i = s.getInputStream(); OutputStream o = s.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = i.read(buffer)) >= 0; ) {
              o.write(buffer, 0, n);
            }
          } catch (IOException ignored) {
            // the benchmark closed it
          }
        }, "echo-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
