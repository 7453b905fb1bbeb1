package io.portfw.core;

import static java.util.Objects.requireNonNull;

import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running portfw: one Vert.x instance, the live pools and one {@link TcpForwarder}
 * deployment per listener, each spread over every event loop.
 */
public final class PortfwRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(PortfwRuntime.class);

  private final Vertx vertx;
  private final PortfwConfig config;
  private final Map<String, AtomicReference<Pool>> pools;
  private final Map<String, ListenerCounters> counters = new LinkedHashMap<>();

  private PortfwRuntime(Vertx vertx, PortfwConfig config, Map<String, AtomicReference<Pool>> pools) {
    this.vertx = vertx;
    this.config = config;
    this.pools = pools;
    config.listeners().forEach(l -> counters.put(l.name(), new ListenerCounters()));
  }

  /**
   * Starts every listener of the config. Fails with the first listener that cannot bind
   * (a {@link RuntimeException} whose message names it), having stopped everything else.
   */
  public static Future<PortfwRuntime> start(PortfwConfig config) {
    requireNonNull(config, "config");
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(loops)
        // portfw serves no files: keep Vert.x from creating a file cache in the working directory.
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    logTransport(vertx);

    Map<String, AtomicReference<Pool>> pools = new LinkedHashMap<>();
    for (PoolConfig pool : config.pools()) {
      pools.put(pool.name(), new AtomicReference<>(Pools.fromConfig(pool)));
    }
    PortfwRuntime runtime = new PortfwRuntime(vertx, config, pools);
    List<Future<?>> deployed = new ArrayList<>();
    for (ListenerConfig listener : config.listeners()) {
      AtomicReference<Pool> pool = pools.get(listener.pool());
      ListenerCounters counters = runtime.counters.get(listener.name());
      deployed.add(vertx.deployVerticle(() -> new TcpForwarder(listener, pool::get, counters),
          new DeploymentOptions().setInstances(loops)));
    }
    return Future.all(deployed)
        .map(all -> runtime)
        .recover(cause -> vertx.close().transform(closed -> Future.failedFuture(cause)));
  }

  private static void logTransport(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("transport: native (epoll)");
    } else {
      Throwable why = vertx.unavailableNativeTransportCause();
      LOG.warn("transport: NIO, the native transport is unavailable: {}", why == null ? "unknown" : why.getMessage());
    }
  }

  public PortfwConfig config() {
    return config;
  }

  /** The live snapshot of a pool, or null when there is none of that name. */
  public Pool pool(String name) {
    AtomicReference<Pool> ref = pools.get(name);
    return ref == null ? null : ref.get();
  }

  /** How many clients a listener accepted so far. */
  public long acceptedConnections(String listener) {
    return counters.get(listener).acceptedCount();
  }

  /** How many clients a listener closed without a backend, for that reason. */
  public long refusedConnections(String listener, Refusal reason) {
    return counters.get(listener).refusedCount(reason);
  }

  public boolean usesNativeTransport() {
    return vertx.isNativeTransportEnabled();
  }

  /** The table of listeners and backends, as {@code ipmasqadm portfw -ln} printed it. */
  public String forwardingTable() {
    return ForwardingTable.render(config, this::pool);
  }

  /**
   * Stops accepting on every listener, lets live connections finish up to each listener's
   * drain timeout, closes what is left, then releases everything.
   */
  public Future<Void> stop() {
    return vertx.close();
  }
}
