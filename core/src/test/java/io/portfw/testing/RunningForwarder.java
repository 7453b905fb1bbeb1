package io.portfw.testing;

import io.portfw.config.AdminConfig;
import io.portfw.config.ConfigLoader;
import io.portfw.config.ListenAddress;
import io.portfw.config.PortfwConfig;
import io.portfw.core.cli.PortfwInstance;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.runtime.PortfwRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** A portfw runtime started in this JVM from config text, stopped (drained) on close. */
public final class RunningForwarder implements AutoCloseable {

  private final PortfwInstance instance;
  private final PortfwRuntime runtime;

  private RunningForwarder(PortfwInstance instance) {
    this.instance = instance;
    this.runtime = instance.runtime();
  }

  /**
   * Starts the config; one without an {@code admin} section gets its admin endpoint on a free
   * port instead of the default 9900, so tests never meet each other or a running portfw there.
   */
  public static RunningForwarder start(String json) throws Exception {
    PortfwConfig config = ConfigLoader.parse(json, "test config");
    if (config.admin().equals(AdminConfig.DEFAULT)) {
      config = config.withAdmin(new AdminConfig(ListenAddress.of("127.0.0.1", Ports.free()), config.admin().token()));
    }
    PortfwInstance instance = PortfwInstance.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new RunningForwarder(instance);
  }

  /** A TCP listener named {@code name} on 127.0.0.1:{@code port}, with a pool of its own name holding one backend. */
  public record Route(String name, int port, String backend) {}

  /** Starts a forwarder of these routes, each listener to its own one-backend pool. */
  public static RunningForwarder startEach(Route... routes) throws Exception {
    StringBuilder listeners = new StringBuilder();
    StringBuilder pools = new StringBuilder();
    for (Route r : routes) {
      listeners.append(listeners.length() == 0 ? "" : ", ").append("""
          { "name": "%s", "listen": "127.0.0.1:%d", "pool": "%s" }""".formatted(r.name(), r.port(), r.name()));
      pools.append(pools.length() == 0 ? "" : ", ").append("""
          { "name": "%s", "backends": [ { "address": "%s" } ] }""".formatted(r.name(), r.backend()));
    }
    return start("{ \"listeners\": [ " + listeners + " ], \"pools\": [ " + pools + " ] }");
  }

  /** The admin endpoint's base URL, e.g. {@code http://127.0.0.1:23456}. */
  public String adminUrl() {
    return "http://127.0.0.1:" + instance.adminAddress().getPort();
  }

  public PortfwRuntime runtime() {
    return runtime;
  }

  /** The config the text describes as this forwarder would run it (its admin endpoint kept), for comparing with what runs. */
  public PortfwConfig asRunning(String json) throws Exception {
    PortfwConfig parsed = ConfigLoader.parse(json, "test config");
    return parsed.admin().equals(AdminConfig.DEFAULT) ? parsed.withAdmin(runtime.config().admin()) : parsed;
  }

  /** Applies new config text to the running forwarder and waits for the outcome. */
  public ReloadResult reload(String json) throws Exception {
    PortfwConfig next = ConfigLoader.parse(json, "reloaded config");
    if (next.admin().equals(AdminConfig.DEFAULT)) {
      next = next.withAdmin(runtime.config().admin()); // as start did: the admin endpoint stays where it is
    }
    return runtime.reload(next).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The first port of the first listener. */
  public int port() {
    return runtime.config().listeners().get(0).listen().firstPort();
  }

  /** The first port of the named listener. */
  public int port(String listener) {
    return runtime.config().listeners().stream().filter(l -> l.name().equals(listener)).findFirst().orElseThrow()
        .listen().firstPort();
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

  public long refusedConnections(String listener, io.portfw.core.observe.Refusal reason) {
    return runtime.refusedConnections(listener, reason);
  }

  @Override
  public void close() throws Exception {
    instance.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
