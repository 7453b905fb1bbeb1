package io.portfw.core.runtime;

import io.portfw.core.admin.AdminServer;
import io.portfw.core.cli.ForwardingTable;
import io.portfw.core.listener.BindCheck;
import io.portfw.core.listener.ListeningSockets;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.NativeTransport;
import io.portfw.core.observe.AccessLog;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.PortfwMetrics;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.observe.UdpDrop;
import io.portfw.core.observe.WarmCounts;
import io.portfw.core.tcp.TcpForwarder;
import io.portfw.core.udp.UdpForwarder;
import io.portfw.core.upstream.BackendResolver;
import io.portfw.core.upstream.WarmPool;
import io.portfw.core.upstream.WarmPools;
import static java.util.Objects.requireNonNull;

import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.ConfigDiff;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.health.HealthChecks;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running portfw: one Vert.x instance, the live pools and one {@link TcpForwarder}
 * deployment per listener, each spread over every event loop. {@link #reload} moves it to a
 * new config while traffic flows.
 */
public final class PortfwRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(PortfwRuntime.class);

  private final Vertx vertx;
  private final int loops;
  private final HealthChecks health;
  private final AccessLog accessLog;
  private final Connections connections;
  private final PortfwMetrics metrics;
  private final ListeningSockets listeningSockets;
  private final BackendResolver resolver;
  private final WarmPools warm;
  private AdminServer admin;
  /** What {@code POST /api/v1/reload} does: re-read the config file; none when the config came from no file. */
  private volatile java.util.function.Supplier<Future<ReloadResult>> reloadSource;
  /** Pool snapshots by name; a reload replaces a snapshot whole, readers never lock. */
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final Map<String, LiveListener> listeners = new ConcurrentHashMap<>();
  private volatile PortfwConfig config;
  private volatile ReloadResult lastReload = new ReloadResult(Instant.now(), ReloadResult.Outcome.UNCHANGED, List.of(),
      "-", "starting");
  /** Reloads run one after another: each starts when the one before has finished. */
  private Future<ReloadResult> reloads = Future.succeededFuture();

  private PortfwRuntime(Vertx vertx, int loops, PortfwConfig config, AccessLog accessLog) {
    this.vertx = vertx;
    this.loops = loops;
    this.config = config;
    this.health = new HealthChecks(vertx);
    this.accessLog = accessLog;
    this.connections = new Connections(accessLog);
    WarmCounts warmCounts = new WarmCounts();
    this.metrics = new PortfwMetrics(health, connections, accessLog, warmCounts);
    VertxInternal internal = (VertxInternal) vertx;
    this.listeningSockets = new ListeningSockets(internal.transport(), NativeTransport.of(vertx).reusePort(),
        internal.nettyEventLoopGroup());
    this.resolver = new BackendResolver(internal.transport(), internal.nettyEventLoopGroup().next(), config.dns());
    this.warm = new WarmPools(internal.transport(), internal.nettyEventLoopGroup(), this::warmWanted, warmCounts);
  }

  /** Each pool with {@code preconnect}, as it runs now: what the warm pools fill. */
  private java.util.Collection<WarmPool.Wanted> warmWanted() {
    List<WarmPool.Wanted> wanted = new ArrayList<>();
    PortfwConfig running = config;
    java.util.Set<String> tcpPools = new java.util.HashSet<>();
    for (ListenerConfig l : running.listeners()) {
      if (l.protocol() == io.portfw.config.Protocol.TCP) {
        tcpPools.add(l.pool());
        l.sni().ifPresent(sni -> sni.routes().forEach(r -> tcpPools.add(r.pool())));
      }
    }
    for (PoolConfig p : running.pools()) {
      if (!tcpPools.contains(p.name())) {
        continue; // only TCP listeners take warm connections: a UDP-only pool gets none
      }
      p.preconnect().ifPresent(setting -> {
        Pool pool = pools.get(p.name());
        if (pool != null) {
          wanted.add(new WarmPool.Wanted(pool, setting));
        }
      });
    }
    return wanted;
  }

  /** Warm connections per backend (pool key {@code preconnect}). */
  public WarmCounts warmCounts() {
    return warm.counts();
  }

  /**
   * Starts every listener of the config. Fails with the first listener that cannot bind
   * (a {@link RuntimeException} whose message names it), having stopped everything else.
   */
  public static Future<PortfwRuntime> start(PortfwConfig config) {
    requireNonNull(config, "config");
    AccessLog accessLog;
    try {
      accessLog = AccessLog.open(config.accessLog());
    } catch (java.io.IOException e) {
      return Future.failedFuture(new IllegalStateException("accessLog: cannot open " + e.getMessage(), e));
    }
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(loops)
        // portfw serves no files: keep Vert.x from creating a file cache in the working directory.
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    logTransport(vertx);

    PortfwRuntime runtime = new PortfwRuntime(vertx, loops, config, accessLog);
    for (PoolConfig pool : config.pools()) {
      runtime.pools.put(pool.name(), runtime.health.watch(Pools.fromConfig(pool), pool));
    }
    List<LiveListener> started = new ArrayList<>();
    // Backend names first, so no client meets an unresolved backend; then the admin endpoint: once a
    // listener accepts, `portfw status` can already answer.
    return runtime.resolver.lookUpNew(hostNames(config))
        .compose(resolved -> runtime.resolver.track(runtime.pools.values()))
        .compose(tracked -> {
          runtime.warm.start();
          return AdminServer.start(vertx, config.admin(), runtime);
        })
        .compose(admin -> {
          runtime.admin = admin;
          List<Future<?>> deployed = new ArrayList<>();
          for (ListenerConfig listener : config.listeners()) {
            LiveListener live = new LiveListener(listener, new ListenerCounters());
            started.add(live);
            deployed.add(runtime.deploy(live));
          }
          return Future.all(deployed);
        })
        .map(all -> {
          started.forEach(l -> runtime.listeners.put(l.config().name(), l));
          runtime.record(new ReloadResult(Instant.now(), ReloadResult.Outcome.APPLIED, List.of(),
              ConfigHash.of(config), "started: " + config.summary()));
          runtime.syncMetrics();
          return runtime;
        })
        .recover(cause -> {
          // Fail now and close in the background: a callback chained on vertx.close() would be
          // dispatched to an event loop that the close has just terminated, and never run.
          vertx.close().onComplete(closed -> accessLog.close());
          return Future.failedFuture(cause);
        });
  }

  /** The backend host names of a config that need a lookup (not IP literals). */
  private static List<String> hostNames(PortfwConfig config) {
    return config.pools().stream().flatMap(p -> p.backends().stream()).map(b -> b.address())
        .filter(a -> !a.isLiteral()).map(a -> a.host()).distinct().toList();
  }

  private static void logTransport(Vertx vertx) {
    NativeTransport transport = NativeTransport.of(vertx);
    if (transport != NativeTransport.NIO) {
      LOG.info("transport: native ({}), every event loop accepts on each TCP port (SO_REUSEPORT)", transport);
    } else {
      Throwable why = vertx.unavailableNativeTransportCause();
      LOG.warn("transport: NIO, the native transport is unavailable ({}); one event loop accepts for all",
          why == null ? "unknown" : why.getMessage());
    }
  }


  private Future<String> deploy(LiveListener live) {
    if (live.config().protocol() == io.portfw.config.Protocol.UDP) {
      // Without SO_REUSEPORT (the NIO fallback) only one socket may bind a UDP port.
      return vertx.deployVerticle(() -> new UdpForwarder(live, pools::get, connections, metrics),
              new DeploymentOptions().setInstances(NativeTransport.of(vertx).reusePort() != null ? loops : 1))
          .onSuccess(live::deploymentId);
    }
    // Without SO_REUSEPORT one socket per port accepts for every loop: one instance is enough.
    return vertx.deployVerticle(() -> new TcpForwarder(live, pools::get, connections, metrics, listeningSockets, warm),
            new DeploymentOptions().setInstances(listeningSockets.perLoop() ? loops : 1))
        .onSuccess(live::deploymentId);
  }

  /** Stops a listener: it unbinds at once and its connections drain in the background. */
  private Future<Void> retire(LiveListener live) {
    return vertx.undeploy(live.deploymentId())
        .onFailure(e -> LOG.warn("stopping listener {}: {}", live.config().name(), e.getMessage()))
        .recover(e -> Future.succeededFuture());
  }

  /**
   * Moves to {@code next} without dropping a connection: binds what is new first, and only
   * when everything bound commits the rest (pools swapped, settings changed in place, removed
   * listeners drained). A failure leaves the running config exactly as it was.
   */
  public Future<ReloadResult> reload(PortfwConfig next) {
    requireNonNull(next, "next");
    synchronized (this) {
      reloads = reloads.transform(previous -> apply(next));
      return reloads;
    }
  }

  /** Records a reload that never reached {@link #reload}, e.g. an invalid file, in turn with the others. */
  public void recordFailedReload(ReloadResult result) {
    synchronized (this) {
      reloads = reloads.transform(previous -> Future.succeededFuture(record(result)));
    }
  }

  private Future<ReloadResult> apply(PortfwConfig next) {
    String hash = ConfigHash.of(next);
    ConfigDiff diff = ConfigDiff.between(config, next);
    if (diff.isEmpty()) {
      return Future.succeededFuture(record(ReloadResult.Outcome.UNCHANGED, List.of(), hash, "no change"));
    }
    Optional<String> unbindable = BindCheck.firstFailure(diff, config);
    if (unbindable.isPresent()) {
      LOG.warn("reload failed, the running config stays: {}", unbindable.get());
      return Future.succeededFuture(record(ReloadResult.Outcome.FAILED, List.of(unbindable.get()), hash, "not applied"));
    }
    return resolver.lookUpNew(hostNames(next)).compose(resolved -> bindAndCommit(next, diff, hash));
  }

  private Future<ReloadResult> bindAndCommit(PortfwConfig next, ConfigDiff diff, String hash) {
    for (PoolConfig added : diff.poolsAdded()) {
      pools.put(added.name(), health.watch(seeded(Pools.fromConfig(added)), added)); // a new name: no listener reads it yet
    }
    resolver.track(pools.values());
    List<LiveListener> fresh = new ArrayList<>();
    for (ListenerConfig l : diff.added()) {
      fresh.add(new LiveListener(l, new ListenerCounters()));
    }
    for (ListenerConfig l : diff.rebound()) {
      fresh.add(new LiveListener(l, listeners.get(l.name()).counters()));
    }
    List<Future<String>> bound = fresh.stream().map(this::deploy).toList();
    return Future.join(bound).transform(all -> {
      if (all.failed()) {
        // Rare after the bind check (another process took a port since): undo, pools last, once nothing reads them.
        List<Future<Void>> undone = fresh.stream().filter(l -> l.deploymentId() != null).map(this::retire).toList();
        Map<String, Pool> addedPools = snapshots(diff.poolsAdded());
        Future.join(undone).onComplete(done -> {
          addedPools.forEach(this::removePool);
          resolver.track(pools.values(), true);
        });
        String why = bound.stream().filter(Future::failed).map(f -> f.cause().getMessage()).findFirst().orElse("unknown");
        LOG.warn("reload failed, the running config stays: {}", why);
        return Future.succeededFuture(record(ReloadResult.Outcome.FAILED, List.of(why), hash, "not applied"));
      }
      commit(next, diff, fresh);
      LOG.info("reload applied: {}", diff.summary());
      return Future.succeededFuture(record(ReloadResult.Outcome.APPLIED, List.of(), hash, diff.summary()));
    });
  }

  private void commit(PortfwConfig next, ConfigDiff diff, List<LiveListener> fresh) {
    for (PoolConfig changed : diff.poolsChanged()) {
      pools.put(changed.name(), health.watch(seeded(Pools.update(pools.get(changed.name()), changed)), changed));
    }
    Map<String, ListenerConfig> byName = new java.util.HashMap<>();
    next.listeners().forEach(l -> byName.put(l.name(), l));
    diff.renamed().forEach((newName, oldName) -> {
      LiveListener live = listeners.remove(oldName);
      live.config(byName.get(newName));
      listeners.put(newName, live);
    });
    for (ListenerConfig changed : diff.changed()) {
      listeners.get(changed.name()).config(changed);
    }
    List<Future<Void>> retiring = new ArrayList<>();
    for (LiveListener l : fresh) {
      LiveListener replaced = listeners.put(l.config().name(), l);
      if (replaced != null) {
        if (replaced.config().listen().overlaps(l.config().listen())) {
          replaced.handOver(); // its ports are still served: its connections are not being removed
        }
        retiring.add(retire(replaced)); // rebound: the old address stops accepting once the new one is bound
      }
    }
    for (ListenerConfig removed : diff.removed()) {
      retiring.add(retire(listeners.remove(removed.name())));
    }
    // Removed pools go once the listeners that read them have stopped accepting, and only if not re-added since.
    Map<String, Pool> removedPools = snapshots(diff.poolsRemoved());
    Future.join(retiring).onComplete(done -> removedPools.forEach(this::removePool));
    resolver.track(pools.values(), true);
    config = next;
  }

  /** Gives the named backends of a snapshot about to be published the answer already known, so none starts without an address. */
  private Pool seeded(Pool pool) {
    for (io.portfw.balancing.Backend b : pool.backends()) {
      if (b.ip() == null) {
        java.net.InetAddress known = resolver.current(b.address().host());
        if (known != null) {
          b.resolvedTo(known);
        }
      }
    }
    return pool;
  }

  /** Removes a pool snapshot and its checks, unless a later reload has put a new one under its name. */
  private void removePool(String name, Pool snapshot) {
    if (pools.remove(name, snapshot)) {
      health.unwatch(snapshot);
      resolver.track(pools.values());
      syncMetrics();
    }
  }

  private Map<String, Pool> snapshots(List<PoolConfig> of) {
    Map<String, Pool> out = new java.util.HashMap<>();
    of.forEach(p -> {
      Pool snapshot = pools.get(p.name());
      if (snapshot != null) {
        out.put(p.name(), snapshot);
      }
    });
    return out;
  }

  private ReloadResult record(ReloadResult.Outcome outcome, List<String> errors, String hash, String summary) {
    return record(new ReloadResult(Instant.now(), outcome, errors, hash, summary));
  }

  private ReloadResult record(ReloadResult result) {
    lastReload = result;
    metrics.reloaded(result.outcome());
    syncMetrics();
    return result;
  }

  private void syncMetrics() {
    metrics.sync(Map.copyOf(listeners), Map.copyOf(pools));
  }

  public PortfwConfig config() {
    return config;
  }

  /** The outcome of the last start or reload attempt. */
  public ReloadResult lastReload() {
    return lastReload;
  }

  /** Active and passive health checking of every pool. */
  public HealthChecks health() {
    return health;
  }

  /** The live snapshot of a pool, or null when there is none of that name. */
  public Pool pool(String name) {
    return pools.get(name);
  }

  /** How many clients a listener accepted so far. */
  public long acceptedConnections(String listener) {
    return listeners.get(listener).counters().acceptedCount();
  }

  /** How many clients a listener closed without a backend, for that reason. */
  public long refusedConnections(String listener, Refusal reason) {
    return listeners.get(listener).counters().refusedCount(reason);
  }

  /** How many datagrams a UDP listener dropped, for that reason. */
  public long udpDropped(String listener, UdpDrop reason) {
    return listeners.get(listener).counters().droppedCount(reason);
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
    resolver.close();
    warm.close();
    return vertx.close().onComplete(closed -> accessLog.close());
  }

  public PortfwMetrics metrics() {
    return metrics;
  }

  public Connections connections() {
    return connections;
  }

  /** The running listeners by name. */
  public Map<String, LiveListener> listeners() {
    return java.util.Collections.unmodifiableMap(listeners);
  }

  /** Every pool snapshot by name. */
  Map<String, Pool> pools() {
    return java.util.Collections.unmodifiableMap(pools);
  }

  /** Where the admin endpoint listens. */
  public java.net.InetSocketAddress adminAddress() {
    return admin.address();
  }

  /** Makes {@code POST /api/v1/reload} re-read the config from where it came. */
  public void reloadSource(java.util.function.Supplier<Future<ReloadResult>> source) {
    this.reloadSource = source;
  }

  /** Reloads from the config's source, or fails when it came from no file. */
  public Future<ReloadResult> reloadFromSource() {
    var source = reloadSource;
    return source == null
        ? Future.failedFuture(new IllegalStateException("this instance was not started from a config file"))
        : source.get();
  }
}
