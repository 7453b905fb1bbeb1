package io.portfw.testing;

import io.portfw.config.ConfigLoader;
import io.portfw.core.PortfwRuntime;
import io.portfw.core.ReloadResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** A portfw runtime started in this JVM from config text, stopped (drained) on close. */
public final class RunningForwarder implements AutoCloseable {

  private final PortfwRuntime runtime;

  private RunningForwarder(PortfwRuntime runtime) {
    this.runtime = runtime;
  }

  public static RunningForwarder start(String json) throws Exception {
    PortfwRuntime runtime = PortfwRuntime.start(ConfigLoader.parse(json, "test config"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new RunningForwarder(runtime);
  }

  public PortfwRuntime runtime() {
    return runtime;
  }

  /** The config the text describes, for comparing with what runs. */
  public static io.portfw.config.PortfwConfig parse(String json) throws Exception {
    return ConfigLoader.parse(json, "test config");
  }

  /** Applies new config text to the running forwarder and waits for the outcome. */
  public ReloadResult reload(String json) throws Exception {
    return runtime.reload(ConfigLoader.parse(json, "reloaded config"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The first port of the first listener. */
  public int port() {
    return runtime.config().listeners().get(0).listen().firstPort();
  }

  /** A new client connection through the first listener, with a read timeout so no test hangs. */
  public Socket connect() throws IOException {
    return connect(port());
  }

  public Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** The sum of active connections over every backend of a pool. */
  public int activeConnections(String pool) {
    return runtime.pool(pool).backends().stream().mapToInt(b -> b.activeConnections()).sum();
  }

  public long refusedConnections(String listener, io.portfw.core.Refusal reason) {
    return runtime.refusedConnections(listener, reason);
  }

  @Override
  public void close() throws Exception {
    runtime.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
