package io.portfw.core.runtime;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.portfw.balancing.AdminState;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.ClusterConfig;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.config.Hosts;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.Protocol;
import io.portfw.core.cluster.ClusterNode;
import io.portfw.core.cluster.ClusterSharing;
import io.portfw.core.cluster.ClusterStatus;
import io.portfw.core.listener.BindCheck;
import io.portfw.core.listener.ListeningSockets;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.NettyTransport;
import io.portfw.core.listener.SocketInheritance;
import io.portfw.core.observe.AccessLog;
import io.portfw.core.observe.CertificateExpiry;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.DiscoveryStats;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.MeteredListener;
import io.portfw.core.observe.PortfwMetrics;
import io.portfw.core.observe.QueueStats;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.observe.UdpDrop;
import io.portfw.core.observe.WarmCounts;
import io.portfw.core.tcp.TcpForwarder;
import io.portfw.core.tls.ServerTls;
import io.portfw.core.udp.UdpForwarder;
import io.portfw.core.udp.UdpSessions;
import io.portfw.core.upstream.BackendResolver;
import io.portfw.core.upstream.Discoveries;
import io.portfw.core.upstream.DnsLookups;
import io.portfw.core.upstream.WaitQueues;
import io.portfw.core.upstream.WarmPool;
import io.portfw.core.upstream.WarmPools;
import io.portfw.health.HealthChecks;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running portfw, the composition root of the data path: one Vert.x instance, the shared parts
 * every listener uses (health checks, the resolver, warm connections, connections and metrics),
 * and a {@link Reconciler} that brings the listeners and pools to a config. Each listener runs as
 * one {@link TcpForwarder} or {@link UdpForwarder} deployment spread over every event loop.
 */
public final class PortfwRuntime implements RuntimeView {

  private static final Logger LOG = LoggerFactory.getLogger(PortfwRuntime.class);

  /** How often certificate files are looked at for a change on disk. */
  private static final long CERTIFICATE_POLL_MILLIS = Long.getLong("portfw.tls.pollMillis", 2000);
  private final Vertx vertx;
  private final CertificateWatcher certificates;
  /** Each pool's waiting line ({@code queue}), brought to every applied config. */
  private final WaitQueues queues = new WaitQueues();
  /** Backends the operator changed at runtime, laid over the file; both guarded by this. */
  private final RuntimeChanges changes = new RuntimeChanges();
  private PortfwConfig fileConfig;
  private volatile Path saveTarget;
  private final int loops;
  private final HealthChecks health;
  private final AccessLog accessLog;
  private final Connections connections;
  private final PortfwMetrics metrics;
  private final ListeningSockets listeningSockets;
  /** The listening sockets a take-over hands on, and those handed to this process by one. */
  private final SocketInheritance inheritance;
  /** Why changes are refused now (a take-over under way), or null. */
  private volatile String frozen;
  private final DnsLookups dns;
  private final BackendResolver resolver;
  /** The pools' backends found in DNS, laid over the file and the runtime changes. */
  private final Discoveries discoveries;
  private final WarmPools warm;
  private final Reconciler reconciler;
  /** This instance as a cluster member; null without {@code cluster} in the config. */
  private volatile ClusterNode cluster;
  /** What this member shares with its cluster; null for an instance alone (a Vert.x not clustered). */
  private volatile ClusterSharing sharing;
  /** What {@code POST /api/v1/reload} does: re-read the config file; none when the config came from no file. */
  private volatile Supplier<Future<ReloadResult>> reloadSource;
  private volatile ReloadResult lastReload = new ReloadResult(Instant.now(), ReloadResult.Outcome.UNCHANGED, List.of(),
      "-", "starting");

  private PortfwRuntime(Vertx vertx, int loops, PortfwConfig config, AccessLog accessLog) {
    this.vertx = vertx;
    this.loops = loops;
    this.health = new HealthChecks(vertx);
    this.accessLog = accessLog;
    this.connections = new Connections(accessLog);
    WarmCounts warmCounts = new WarmCounts();
    this.metrics = new PortfwMetrics(health, connections, accessLog, warmCounts);
    VertxInternal internal = (VertxInternal) vertx;
    this.inheritance = new SocketInheritance(loops);
    this.listeningSockets = new ListeningSockets(internal.transport(), NettyTransport.of(vertx).reusePort(),
        internal.nettyEventLoopGroup(), inheritance);
    this.dns = new DnsLookups(internal.transport(), internal.nettyEventLoopGroup().next(), config.dns());
    this.resolver = new BackendResolver(dns);
    this.discoveries = new Discoveries(dns, this::rediscovered);
    this.warm = new WarmPools(internal.transport(), internal.nettyEventLoopGroup(), this::warmWanted, warmCounts);
    PortfwConfig empty = new PortfwConfig(config.admin(), List.of(), List.of(), config.accessLog(), config.dns());
    this.reconciler = new Reconciler(empty, health, resolver, this::deploy, this::retire, this::recorded,
        this::syncMetrics, inheritance);
    this.certificates = new CertificateWatcher(reconciler::liveListeners, CERTIFICATE_POLL_MILLIS, this::syncMetrics);
  }

  /**
   * A runtime for the config's top-level settings (access log, DNS) with nothing running yet: its
   * listeners and pools come with {@link #run}. Throws when the access log cannot be opened.
   */
  public static PortfwRuntime create(PortfwConfig config) {
    requireNonNull(config, "config");
    AccessLog accessLog = openAccessLog(config);
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(loops)
        // portfw serves no files: keep Vert.x from creating a file cache in the working directory.
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
    Vertx vertx;
    try {
      // Without a cluster key nothing of Hazelcast is loaded: no threads, no ports.
      if (config.cluster().isPresent()) {
        checkClusterPorts(config.cluster().get());
      }
      vertx = config.cluster().isPresent() ? ClusterNode.clusteredVertx(options, config.cluster().get())
          : Vertx.vertx(options);
    } catch (IllegalStateException e) {
      accessLog.close();
      throw e;
    }
    logTransport(vertx);
    PortfwRuntime runtime = new PortfwRuntime(vertx, loops, config, accessLog);
    runtime.warm.start();
    if (config.cluster().isPresent()) {
      runtime.joinCluster(config.cluster().get());
      runtime.shareClusterState(config.cluster().get().secret(), config.cluster().get().shareEjections());
    }
    return runtime;
  }

  /** The cluster and event bus ports, tried before Hazelcast starts: a taken one is said plainly, not in its stack traces. */
  private static void checkClusterPorts(ClusterConfig cluster) {
    BackendAddress listen = cluster.listen();
    for (int port : new int[] {listen.port(), listen.port() + 1}) {
      try {
        BindCheck.tryBindTcp(InetAddress.getByName(listen.host()), port);
      } catch (IOException e) {
        throw new IllegalStateException("cluster.listen: cannot bind " + Hosts.hostPort(listen.host(), port)
            + (port == listen.port() ? "" : " (the event bus, the port after the cluster port)") + ": "
            + e.getMessage());
      }
    }
  }

  /** Starts the heartbeats and the shared operator changes on the clustered Vert.x; blocks until they run. */
  private void joinCluster(ClusterConfig config) {
    try {
      cluster = ClusterNode.start(vertx, config, this::fileConfigHash, metrics, new ClusterChangesApplied(this))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      stop();
      throw new IllegalStateException("cluster: cannot start the member's exchange: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("cluster: interrupted while starting", e);
    }
  }

  /**
   * The hash of the config file as read last, compared between cluster members: runtime changes
   * aside (the group shares those anyway), and {@code cluster.listen} left out (each member's own).
   */
  private synchronized String fileConfigHash() {
    if (fileConfig == null) {
      return "-";
    }
    PortfwConfig c = fileConfig;
    return ConfigHash.of(new PortfwConfig(c.admin(), c.listeners(), c.pools(), c.accessLog(), c.dns(), c.stateDir(),
        c.logging(), c.cluster().map(k -> new ClusterConfig(k.name(), k.members(), new BackendAddress("0.0.0.0", 0),
            k.secret(), k.kubernetes(), k.shareEjections()))));
  }

  /** Whether this instance runs clustered (the config has {@code cluster}): the shared state is on then. */
  public boolean clustered() {
    return vertx.isClustered();
  }

  @Override
  public Optional<ClusterStatus> cluster() {
    ClusterNode node = cluster;
    return node == null ? Optional.empty() : Optional.of(node.status());
  }

  @Override
  public void adminStateSet(String pool, BackendAddress address, AdminState state) {
    ClusterNode node = cluster;
    if (node != null) {
      node.changes().adminState(pool, address.toString(), state.name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * As {@link #create(PortfwConfig)}, on a Vert.x made by the caller: when it is clustered, this
   * runtime shares its sticky tables, per-source counts and (with {@code shareEjections}) its
   * passive ejections with the other members. The runtime owns it from now on and closes it.
   */
  public static PortfwRuntime create(PortfwConfig config, Vertx vertx, String secret, boolean shareEjections) {
    requireNonNull(config, "config");
    requireNonNull(vertx, "vertx");
    AccessLog accessLog = openAccessLog(config);
    logTransport(vertx);
    PortfwRuntime runtime = new PortfwRuntime(vertx, Math.max(1, Runtime.getRuntime().availableProcessors()), config,
        accessLog);
    runtime.warm.start();
    runtime.shareClusterState(secret, shareEjections);
    return runtime;
  }

  private static AccessLog openAccessLog(PortfwConfig config) {
    try {
      return AccessLog.open(config.accessLog());
    } catch (IOException e) {
      throw new IllegalStateException("accessLog: cannot open " + e.getMessage(), e);
    }
  }

  /** Starts sharing state with the cluster when the Vert.x is clustered; nothing at all otherwise. */
  private void shareClusterState(String secret, boolean shareEjections) {
    sharing = ClusterSharing.startIfClustered(vertx, secret, health, shareEjections);
  }

  /** The cluster follows the running pools and listeners (called after every start, reload and change). */
  private void shareWithCluster() {
    ClusterSharing s = sharing;
    if (s != null) {
      s.apply(reconciler.pools(), reconciler.listeners());
    }
  }

  /**
   * Creates a runtime and runs the config: every listener bound, or a failure naming the first
   * that cannot bind, with everything stopped.
   */
  public static Future<PortfwRuntime> start(PortfwConfig config) {
    PortfwRuntime runtime;
    try {
      runtime = create(config);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    return runtime.run(config).map(runtime).recover(cause -> {
      // Fail now and close in the background: a callback chained on vertx.close() would be
      // dispatched to an event loop that the close has just terminated, and never run.
      runtime.stop();
      return Future.failedFuture(cause);
    });
  }

  /**
   * Starts the config's listeners and pools on a runtime that runs nothing yet: the same path as
   * a reload, from an empty config. Fails with why when any cannot start; the caller stops it then.
   */
  public Future<Void> run(PortfwConfig config) {
    requireNonNull(config, "config");
    return discoveries.follow(config.pools()).compose(found -> {
      PortfwConfig effective;
      synchronized (this) {
        fileConfig = config;
        effective = discoveries.applyTo(changes.applyTo(config)); // no runtime changes, unless taken over
      }
      return reconciler.apply(effective, true);
    }).compose(result -> result.outcome() == ReloadResult.Outcome.APPLIED
        ? catchUpWithCluster()
        : Future.failedFuture(new IllegalStateException(String.join("; ", result.errors()))));
  }

  /** A member that starts applies the operator changes its group kept; the start does not fail for them. */
  private Future<Void> catchUpWithCluster() {
    ClusterNode node = cluster;
    return node == null ? Future.succeededFuture() : node.catchUp().<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private static void logTransport(Vertx vertx) {
    NettyTransport transport = NettyTransport.of(vertx);
    if (transport != NettyTransport.NIO) {
      LOG.info("transport: native ({}), every event loop accepts on each TCP port (SO_REUSEPORT)", transport);
    } else {
      Throwable why = vertx.unavailableNativeTransportCause();
      LOG.warn("transport: NIO, the native transport is unavailable ({}); one event loop accepts for all",
          why == null ? "unknown" : why.getMessage());
    }
  }

  private static List<CertificateExpiry> certificates(LiveListener live) {
    ServerTls tls = live.tls();
    return tls == null ? List.of() : tls.certificates().stream()
        .map(c -> new CertificateExpiry(c.certFile().toString(), c.notAfter().getEpochSecond())).toList();
  }

  private Future<String> deploy(LiveListener live) {
    if (live.config().protocol() == Protocol.UDP) {
      UdpSessions sessions = new UdpSessions(live.config().udp());
      live.onChange(next -> sessions.apply(next.udp()));
      // Without SO_REUSEPORT (the NIO fallback) only one socket may bind a UDP port.
      return vertx.deployVerticle(() -> new UdpForwarder(live, sessions, reconciler.pools()::get, connections, metrics, inheritance,
          reconciler::poolSource),
              new DeploymentOptions().setInstances(NettyTransport.of(vertx).reusePort() != null ? loops : 1))
          .onSuccess(id -> {
            live.deploymentId(id);
            live.counters().sessions(sessions::size); // the table of the deployment that serves the port now
          });
    }
    // Without SO_REUSEPORT one socket per port accepts for every loop: one instance is enough.
    return vertx.deployVerticle(() -> new TcpForwarder(live, reconciler.pools()::get, connections, metrics,
                listeningSockets, warm, reconciler::poolTls, queues, reconciler::poolSource),
            new DeploymentOptions().setInstances(listeningSockets.perLoop() ? loops : 1))
        .onSuccess(live::deploymentId);
  }

  /** Stops a listener: it unbinds at once and its connections drain in the background. */
  private Future<Void> retire(LiveListener live) {
    return vertx.undeploy(live.deploymentId())
        .onFailure(e -> LOG.warn("stopping listener {}: {}", live.config().name(), e.getMessage()))
        .recover(e -> Future.succeededFuture());
  }

  /** Each pool with {@code preconnect}, as it runs now: what the warm pools fill. */
  private Collection<WarmPool.Wanted> warmWanted() {
    List<WarmPool.Wanted> wanted = new ArrayList<>();
    PortfwConfig running = reconciler.config();
    Set<String> tcpPools = new HashSet<>();
    for (ListenerConfig l : running.listeners()) {
      if (l.protocol() == Protocol.TCP) {
        tcpPools.add(l.pool());
        l.sni().ifPresent(sni -> sni.routes().forEach(r -> tcpPools.add(r.pool())));
      }
    }
    for (PoolConfig p : running.pools()) {
      if (!tcpPools.contains(p.name())) {
        continue; // only TCP listeners take warm connections: a UDP-only pool gets none
      }
      p.preconnect().ifPresent(setting -> {
        Pool pool = reconciler.pools().get(p.name());
        if (pool != null) {
          wanted.add(new WarmPool.Wanted(pool, setting));
        }
      });
    }
    return wanted;
  }

  /**
   * Moves to {@code next} without dropping a connection; a failure leaves the running config
   * exactly as it was (see {@link Reconciler}).
   */
  public Future<ReloadResult> reload(PortfwConfig next) {
    requireNonNull(next, "next");
    String busy = frozen;
    if (busy != null) {
      LOG.warn("reload refused, the running config stays: {}", busy);
      ReloadResult refused = new ReloadResult(Instant.now(), ReloadResult.Outcome.FAILED, List.of(busy), "-",
          "not applied");
      recordFailedReload(refused);
      return Future.succeededFuture(refused);
    }
    // Pools with a new discover start with the backends their records give.
    return discoveries.follow(next.pools()).compose(found -> {
      PortfwConfig effective;
      synchronized (this) {
        ClusterNode node = cluster;
        for (RuntimeChanges.Change gone : changes.fileChanged(next)) {
          LOG.info("pool {}: backend {}: the file now says otherwise, the runtime change ({}) gives way", gone.pool(),
              gone.address(), gone.kind());
          if (node != null) {
            node.changes().forget(gone.pool(), gone.address().toString());
          }
        }
        fileConfig = next;
        effective = discoveries.applyTo(changes.applyTo(next));
      }
      return reconciler.apply(effective, false);
    });
  }

  /**
   * A pool's discovered backends changed: the running config is brought to them as a reload is,
   * so backends are kept by address, new ones ramp up (slowStart) and removed ones drain.
   */
  private void rediscovered(String pool) {
    synchronized (this) {
      if (fileConfig == null) {
        return; // not running yet: run applies what was found
      }
      // Queued under the lock so that the latest set is the one applied last.
      reconciler.apply(discoveries.applyTo(changes.applyTo(fileConfig)), false).onSuccess(result -> {
        if (result.outcome() != ReloadResult.Outcome.APPLIED && result.outcome() != ReloadResult.Outcome.UNCHANGED) {
          LOG.warn("pool {}: the discovered backends could not be applied: {}", pool, String.join("; ", result.errors()));
        }
      });
    }
  }

  @Override
  public Optional<String> discoveredFrom(String pool, BackendAddress address) {
    return discoveries.discoveredFrom(pool, address);
  }

  @Override
  public Optional<DiscoveryStats> discovery(String pool) {
    return Optional.ofNullable(discoveries.stats().get(pool));
  }

  /**
   * Sets a backend as the operator wants it at runtime (a weight, added, removed: empty), on top of
   * the file, and applies it as a reload would; {@code who} is logged. The change is undone when
   * it cannot be applied.
   */
  public Future<ReloadResult> changeBackend(String pool, BackendAddress address, Optional<BackendConfig> wanted,
      String kind, String who) {
    return applyBackendChange(pool, address, wanted, kind, who).onSuccess(result -> {
      ClusterNode node = cluster;
      if (node != null && result.outcome() != ReloadResult.Outcome.FAILED
          && result.outcome() != ReloadResult.Outcome.INVALID) {
        node.changes().backend(pool, address.toString(), wanted.map(ClusterChangesApplied::json), kind);
      }
    });
  }

  /** {@link #changeBackend} without telling the cluster: for a change another member made. */
  Future<ReloadResult> applyBackendChange(String pool, BackendAddress address, Optional<BackendConfig> wanted,
      String kind, String who) {
    String busy = frozen;
    if (busy != null) {
      return Future.failedFuture(new IllegalStateException(busy));
    }
    PortfwConfig effective;
    Optional<RuntimeChanges.Change> before;
    synchronized (this) {
      before = changes.of(pool, address);
      changes.put(fileConfig, pool, address, wanted, kind);
      effective = discoveries.applyTo(changes.applyTo(fileConfig));
    }
    LOG.info("pool {}: backend {}: {} by the operator at {}", pool, address, kind, who);
    return reconciler.apply(effective, false).map(result -> {
      if (result.outcome() == ReloadResult.Outcome.FAILED || result.outcome() == ReloadResult.Outcome.INVALID) {
        synchronized (this) {
          changes.restore(pool, address, before); // only this change is undone: others made meanwhile stand
        }
      }
      return result;
    });
  }

  /**
   * Refuses reloads and operator changes, with {@code why}, while a take-over moves the state
   * between processes (a change made meanwhile would be lost); null lets them through again.
   */
  public void freeze(String why) {
    this.frozen = why;
  }

  @Override
  public Optional<String> frozen() {
    return Optional.ofNullable(frozen);
  }

  @Override
  public synchronized Optional<String> runtimeChange(String pool, BackendAddress address) {
    return changes.of(pool, address).map(RuntimeChanges.Change::kind);
  }

  @Override
  public synchronized List<String> removedAtRuntime(String pool) {
    return changes.all().stream().filter(c -> c.pool().equals(pool) && c.runtime().isEmpty())
        .map(c -> c.address().toString()).toList();
  }

  @Override
  public QueueStats queue(String pool) {
    return queues.stats().get(pool);
  }

  /** The config file as read last, without the runtime changes. */
  public synchronized PortfwConfig fileConfig() {
    return fileConfig;
  }

  /** The runtime changes are in the file now (it was saved to the running state): nothing is laid over it. */
  public synchronized void saved(PortfwConfig file) {
    changes.clear();
    fileConfig = file;
  }

  /** Where {@code POST /api/v1/config/save} writes: the file the config came from. */
  public void saveTarget(Path file) {
    this.saveTarget = file;
  }

  @Override
  public Future<String> saveConfig(String who) {
    Path file = saveTarget;
    if (file == null) {
      return Future.failedFuture(new IllegalStateException("this instance was not started from a config file"));
    }
    // File work blocks: on a worker thread, one save at a time (the runtime's lock).
    return vertx.executeBlocking(() -> {
      synchronized (this) {
        List<RuntimeChanges.Change> pending = changes.all();
        if (pending.isEmpty()) {
          return "nothing to save: the file already says what runs";
        }
        PortfwConfig wanted = changes.applyTo(fileConfig);
        ConfigFileWriter.write(file, pending, edited -> {
          try {
            if (!ConfigLoader.load(edited).equals(wanted)) {
              throw new IOException("the edited file would not read as the running state; " + file + " is unchanged");
            }
          } catch (ConfigException e) {
            throw new IOException("the edited file would not load (" + e.getMessage() + "); " + file + " is unchanged");
          }
        });
        saved(ConfigLoader.load(file));
        LOG.info("config saved to {} with {} runtime change(s), asked by {}", file, pending.size(), who);
        return "saved " + pending.size() + " runtime change" + (pending.size() == 1 ? "" : "s") + " to " + file;
      }
    }, false);
  }

  /** Every runtime change still laid over the file. */
  synchronized List<RuntimeChanges.Change> runtimeChanges() {
    return changes.all();
  }

  /**
   * What a take-over carries besides the sockets: the runtime changes, the drains and disables,
   * the passive ejections and the sticky tables, as JSON.
   */
  public Future<JsonNode> handOverState() {
    ArrayNode carried;
    synchronized (this) {
      carried = CarriedState.changes(changes.all());
    }
    return CarriedState.pools(reconciler.pools(), health, connections.live())
        .map(state -> state.set("changes", carried));
  }

  /**
   * Before {@link #run}: the runtime changes of the process this one takes over, laid over
   * {@code file} as they were there, except where the file now says otherwise of that backend.
   */
  public synchronized void takeOverChanges(JsonNode state, PortfwConfig file) throws ConfigException {
    for (RuntimeChanges.Change c : CarriedState.changesFrom(state.path("changes"))) {
      changes.restore(c.pool(), c.address(), Optional.of(c));
    }
    for (RuntimeChanges.Change gone : changes.fileChanged(file)) {
      LOG.info("pool {}: backend {}: the file now says otherwise, the runtime change ({}) handed over gives way",
          gone.pool(), gone.address(), gone.kind());
    }
  }

  /** After {@link #run}, before accepting: the pools' state handed over; returns an account of it. */
  public String takeOverPools(JsonNode state) {
    Map<String, LiveListener> listeners = reconciler.listeners();
    String carried = CarriedState.takeOn(state, reconciler.pools(), health, listeners);
    // A UDP client that has not come back by the time its session would have ended starts afresh.
    listeners.values().stream().filter(l -> l.config().protocol() == Protocol.UDP).forEach(l ->
        vertx.setTimer(Math.max(1, l.config().udp().sessionIdle().toMillis()), t -> l.forgetCarriedSessions()));
    return carried;
  }

  /** Records a reload that never reached {@link #reload}, e.g. an invalid file, in turn with the others. */
  public void recordFailedReload(ReloadResult result) {
    reconciler.recordInTurn(result);
  }

  private void recorded(ReloadResult result) {
    lastReload = result;
    metrics.reloaded(result.outcome());
  }

  private void syncMetrics() {
    Map<String, MeteredListener> metered = new HashMap<>();
    reconciler.listeners().forEach((name, live) -> metered.put(name,
        new MeteredListener(live.counters(), live.config().protocol() == Protocol.UDP, certificates(live))));
    queues.apply(reconciler.config().pools()); // the pools' waiting lines follow the running config too
    metrics.sync(metered, Map.copyOf(reconciler.pools()), queues.stats());
    metrics.discoveries(discoveries.stats());
    shareWithCluster();
  }

  /** The listening sockets a take-over hands on (or was handed). */
  public SocketInheritance sockets() {
    return inheritance;
  }

  /** The Vert.x instance everything runs on: the admin endpoint joins it. */
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public PortfwConfig config() {
    return reconciler.config();
  }

  @Override
  public Optional<BackendConfig> backendConfig(String pool, BackendAddress address) {
    return RuntimeChanges.backendIn(config(), pool, address);
  }

  @Override
  public ReloadResult lastReload() {
    return lastReload;
  }

  @Override
  public HealthChecks health() {
    return health;
  }

  @Override
  public Pool pool(String name) {
    return reconciler.pools().get(name);
  }

  @Override
  public ListenerCounters listenerCounters(String name) {
    LiveListener live = reconciler.listeners().get(name);
    return live == null ? null : live.counters();
  }

  /** How many clients a listener accepted so far. */
  public long acceptedConnections(String listener) {
    return listenerCounters(listener).acceptedCount();
  }

  /** How many clients a listener closed without a backend, for that reason. */
  public long refusedConnections(String listener, Refusal reason) {
    return listenerCounters(listener).refusedCount(reason);
  }

  /** Connections from {@code source} open on the other cluster members' listener of that name, as last heard here. */
  public int openElsewhere(String listener, InetAddress source) {
    LiveListener live = reconciler.listeners().get(listener);
    ClusterSharing s = sharing;
    return live == null || s == null ? 0 : s.openElsewhere(live, source);
  }

  /** How many datagrams a UDP listener dropped, for that reason. */
  public long udpDropped(String listener, UdpDrop reason) {
    return listenerCounters(listener).droppedCount(reason);
  }

  /**
   * Stops accepting on every listener, lets live connections finish up to each listener's
   * drain timeout, closes what is left, then releases everything.
   */
  public Future<Void> stop() {
    ClusterSharing s = sharing;
    sharing = null;
    if (s != null) {
      // Best effort, never waited for: it takes this member's counts back from the group (else they go stale in 1 s),
      // and its consumers go with the event bus anyway.
      s.close();
    }
    ClusterNode node = cluster;
    if (node != null) {
      node.stop();
    }
    certificates.close();
    discoveries.close();
    resolver.close();
    dns.close();
    warm.close();
    metrics.close();
    return vertx.close().onComplete(closed -> accessLog.close());
  }

  @Override
  public PortfwMetrics metrics() {
    return metrics;
  }

  @Override
  public Connections connections() {
    return connections;
  }

  @Override
  public WarmCounts warmCounts() {
    return warm.counts();
  }

  /** Opens the access log's file anew (after logrotate renamed it); false when it writes to no file. */
  public boolean reopenAccessLog() {
    return accessLog.reopen();
  }

  /** Makes {@code POST /api/v1/reload} re-read the config from where it came. */
  public void reloadSource(Supplier<Future<ReloadResult>> source) {
    this.reloadSource = source;
  }

  @Override
  public Future<ReloadResult> reloadFromSource() {
    var source = reloadSource;
    return source == null
        ? Future.failedFuture(new IllegalStateException("this instance was not started from a config file"))
        : source.get();
  }
}
