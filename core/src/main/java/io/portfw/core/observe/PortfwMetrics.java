package io.portfw.core.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portfw.balancing.Backend;
import io.portfw.balancing.BackendState;
import io.portfw.balancing.Pool;
import io.portfw.health.CheckStats;
import io.portfw.health.HealthChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The Prometheus metrics of a running portfw, all named {@code portfw_*} and tagged with
 * {@code listener}, {@code pool} and {@code backend}. Nearly every meter is a function of a
 * counter the data path keeps anyway (LongAdders on listeners and backends), read only when
 * scraped; the data path itself only records connect times and connect errors.
 * {@link #sync} adds and removes meters as listeners and backends come and go with reloads.
 * Beside them the JVM and process meters of {@link JvmProcessMetrics}.
 */
public final class PortfwMetrics implements ConnectObserver, AutoCloseable {

  /** Connect-time buckets: loopback and LAN connects take well under a millisecond, a lost SYN a second or more. */
  private static final Duration[] CONNECT_BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmProcessMetrics jvm = new JvmProcessMetrics(registry);
  private final HealthChecks health;
  private final WarmCounts warm;
  /** Meters of each listener and each backend, to remove them when they go. Touched by {@link #sync} only. */
  private final Map<String, List<Meter>> listenerMeters = new HashMap<>();
  /** What each name's meters read: a listener bound anew with other counters or protocol gets its meters anew. */
  private final Map<String, MeteredListener> metered = new HashMap<>();
  private final Map<QueueStats, List<Meter>> queueMeters = new IdentityHashMap<>();
  private final Map<DiscoveryStats, List<Meter>> discoveryMeters = new IdentityHashMap<>();
  private final Map<Backend, List<Meter>> backendMeters = new HashMap<>();
  private final Map<Backend, String> poolOf = new HashMap<>();
  private final Map<Backend, Timer> connectTimers = new ConcurrentHashMap<>();
  private final Map<Backend, Map<ConnectError, Counter>> connectErrors = new ConcurrentHashMap<>();
  private final Map<ReloadResult.Outcome, Counter> reloads = new EnumMap<>(ReloadResult.Outcome.class);
  /** The per-member cluster meters, by member address. */
  private final Map<String, List<Meter>> clusterMemberMeters = new HashMap<>();

  public PortfwMetrics(HealthChecks health, Connections connections, AccessLog accessLog, WarmCounts warm) {
    this.health = health;
    this.warm = warm;
    for (ReloadResult.Outcome outcome : ReloadResult.Outcome.values()) {
      reloads.put(outcome, PortfwMeters.RELOADS.counter().tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    PortfwMeters.CONNECTIONS_LIVE.gauge(connections, Connections::count).register(registry);
    PortfwMeters.ACCESS_LOG_DROPPED.functionCounter(accessLog, AccessLog::dropped).register(registry);
  }

  /** Stops the meters that listen to the JVM (GC notifications); the scrape still answers. */
  @Override
  public void close() {
    jvm.close();
  }

  /** Every meter as registered, for tests that hold them to {@link PortfwMeters}. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The text Prometheus scrapes. */
  public String scrape() {
    return registry.scrape();
  }

  public void reloaded(ReloadResult.Outcome outcome) {
    reloads.get(outcome).increment();
  }

  @Override
  public void connected(String pool, Backend backend, long nanos) {
    Timer timer = connectTimers.get(backend);
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Counted only while the backend is in a pool: a connect that fails after a reload removed it leaves no meter behind. */
  @Override
  public void failed(String pool, Backend backend, ConnectError error) {
    Map<ConnectError, Counter> counters = connectErrors.get(backend);
    if (counters != null) {
      counters.get(error).increment();
    }
  }

  /** Meters for each pool's DNS discovery as it runs now, none for gone ones. */
  public synchronized void discoveries(Map<String, DiscoveryStats> discoveries) {
    forgetGone(discoveryMeters, discoveries::containsValue);
    discoveries.forEach((pool, stats) -> discoveryMeters.computeIfAbsent(stats, s -> List.of(
        PortfwMeters.POOL_DISCOVERY_BACKENDS.gauge(s, DiscoveryStats::backends).tag("pool", pool).register(registry),
        PortfwMeters.POOL_DISCOVERY_FAILING.gauge(s, DiscoveryStats::failing).tag("pool", pool).register(registry),
        PortfwMeters.POOL_DISCOVERY_FAILURES.functionCounter(s, DiscoveryStats::failures).tag("pool", pool)
            .register(registry))));
  }

  /** Registers the cluster meters: only a clustered instance calls this. */
  public void cluster(ClusterStats stats) {
    PortfwMeters.CLUSTER_MEMBERS.gauge(stats, ClusterStats::members).strongReference(true).register(registry);
    PortfwMeters.CLUSTER_ALONE.gauge(stats, s -> s.alone() ? 1 : 0).strongReference(true).register(registry);
    PortfwMeters.CLUSTER_CONFIG_MISMATCH.gauge(stats, ClusterStats::configMismatches).strongReference(true)
        .register(registry);
  }

  /** Brings the per-member cluster meters in line with the members known now. */
  public synchronized void syncClusterMembers(ClusterStats stats) {
    var members = stats.otherMembers();
    forgetGone(clusterMemberMeters, members::contains);
    members.forEach(member -> clusterMemberMeters.computeIfAbsent(member, m -> List.of(
        PortfwMeters.CLUSTER_MEMBER_LAST_CONTACT.gauge(stats, s -> s.lastContactSeconds(m)).tag("member", m)
            .strongReference(true).register(registry),
        PortfwMeters.CLUSTER_MEMBER_LAG.gauge(stats, s -> s.lagSeconds(m)).tag("member", m)
            .strongReference(true).register(registry))));
  }

  /** Removes the meters of whatever no longer runs. */
  private <K> void forgetGone(Map<K, List<Meter>> meters, Predicate<K> stillRuns) {
    meters.keySet().removeIf(key -> {
      if (stillRuns.test(key)) {
        return false;
      }
      meters.get(key).forEach(registry::remove);
      return true;
    });
  }

  public synchronized void sync(Map<String, MeteredListener> listeners, Map<String, Pool> pools) {
    sync(listeners, pools, Map.of());
  }

  /**
   * Brings the meters in line with what runs: meters for new listeners, backends and pools'
   * waiting lines, none for gone ones.
   */
  public synchronized void sync(Map<String, MeteredListener> listeners, Map<String, Pool> pools,
      Map<String, QueueStats> queues) {
    forgetGone(queueMeters, queues::containsValue);
    queues.forEach((pool, stats) -> queueMeters.computeIfAbsent(stats, s -> List.of(
        PortfwMeters.POOL_QUEUE_LENGTH.gauge(s, QueueStats::length).tag("pool", pool).register(registry),
        PortfwMeters.POOL_QUEUE_WAITED.functionCounter(s, QueueStats::waited).tag("pool", pool).register(registry),
        PortfwMeters.POOL_QUEUE_WAIT_SECONDS.functionCounter(s, QueueStats::waitedSeconds).tag("pool", pool)
            .register(registry))));
    listenerMeters.keySet().removeIf(name -> {
      if (Objects.equals(listeners.get(name), metered.get(name))) {
        return false;
      }
      listenerMeters.get(name).forEach(registry::remove);
      metered.remove(name);
      return true;
    });
    metered.putAll(listeners);
    listeners.forEach((name, live) -> listenerMeters.computeIfAbsent(name, n -> listenerMeters(n, live)));

    Map<Backend, String> current = new HashMap<>();
    pools.forEach((name, pool) -> pool.backends().forEach(b -> current.put(b, name)));
    backendMeters.keySet().removeIf(b -> {
      if (current.containsKey(b)) {
        return false;
      }
      backendMeters.get(b).forEach(registry::remove);
      poolOf.remove(b);
      connectTimers.remove(b);
      connectErrors.remove(b);
      return true;
    });
    current.forEach((b, pool) -> backendMeters.computeIfAbsent(b, x -> {
      poolOf.put(x, pool);
      return backendMeters(pool, x);
    }));
  }

  private List<Meter> listenerMeters(String name, MeteredListener live) {
    ListenerCounters c = live.counters();
    Tags tags = Tags.of("listener", name);
    List<Meter> meters = new ArrayList<>();
    meters.add(PortfwMeters.LISTENER_CONNECTIONS_ACTIVE.gauge(c, ListenerCounters::openCount).tags(tags)
        .register(registry));
    meters.add(PortfwMeters.LISTENER_CONNECTIONS.functionCounter(c, ListenerCounters::acceptedCount).tags(tags)
        .register(registry));
    for (Refusal reason : Refusal.values()) {
      meters.add(PortfwMeters.LISTENER_REFUSED.functionCounter(c, x -> x.refusedCount(reason)).tags(tags)
          .tag("reason", reason.word()).register(registry));
    }
    meters.add(PortfwMeters.LISTENER_BYTES_RECEIVED.functionCounter(c, ListenerCounters::bytesFromClients).tags(tags)
        .register(registry));
    meters.add(PortfwMeters.LISTENER_BYTES_SENT.functionCounter(c, ListenerCounters::bytesFromBackends).tags(tags)
        .register(registry));
    if (live.tls()) {
      meters.add(PortfwMeters.LISTENER_TLS_HANDSHAKES.functionCounter(c, ListenerCounters::tlsHandshakes).tags(tags)
          .register(registry));
      meters.add(PortfwMeters.LISTENER_TLS_RESUMED.functionCounter(c, ListenerCounters::tlsResumed).tags(tags)
          .register(registry));
      for (TlsFailure reason : TlsFailure.values()) {
        meters.add(PortfwMeters.LISTENER_TLS_HANDSHAKE_FAILURES.functionCounter(c, x -> x.tlsFailures(reason))
            .tags(tags).tag("reason", reason.word()).register(registry));
      }
      for (CertificateExpiry cert : live.certificates()) {
        meters.add(PortfwMeters.LISTENER_TLS_CERTIFICATE_EXPIRY.gauge(cert, CertificateExpiry::notAfterEpochSeconds)
            .tags(tags).tag("certificate", cert.file()).strongReference(true).register(registry));
      }
    }
    if (live.udp()) {
      meters.add(PortfwMeters.LISTENER_DATAGRAMS_RECEIVED.functionCounter(c, ListenerCounters::datagramsFromClients)
          .tags(tags).register(registry));
      meters.add(PortfwMeters.LISTENER_DATAGRAMS_SENT.functionCounter(c, ListenerCounters::datagramsFromBackends)
          .tags(tags).register(registry));
      for (UdpDrop reason : UdpDrop.values()) {
        meters.add(PortfwMeters.LISTENER_DATAGRAMS_DROPPED.functionCounter(c, x -> x.droppedCount(reason)).tags(tags)
            .tag("reason", reason.word()).register(registry));
      }
      meters.add(PortfwMeters.LISTENER_UDP_SESSIONS.gauge(c, ListenerCounters::sessionCount).tags(tags)
          .register(registry));
    }
    return meters;
  }

  private List<Meter> backendMeters(String pool, Backend b) {
    Tags tags = backendTags(pool, b);
    List<Meter> meters = new ArrayList<>();
    meters.add(PortfwMeters.BACKEND_CONNECTIONS_ACTIVE.gauge(b, Backend::activeConnections).tags(tags)
        .register(registry));
    meters.add(PortfwMeters.BACKEND_CONNECTIONS.functionCounter(b, Backend::totalConnections).tags(tags)
        .register(registry));
    meters.add(PortfwMeters.BACKEND_BYTES_SENT.functionCounter(b, Backend::bytesSent).tags(tags).register(registry));
    meters.add(PortfwMeters.BACKEND_BYTES_RECEIVED.functionCounter(b, Backend::bytesReceived).tags(tags)
        .register(registry));
    for (BackendState state : BackendState.values()) {
      meters.add(PortfwMeters.BACKEND_STATE.gauge(b, x -> x.state() == state ? 1 : 0).tags(tags)
          .tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry));
    }
    meters.add(PortfwMeters.BACKEND_WARM_CONNECTIONS.gauge(b, warm::idle).tags(tags).register(registry));
    meters.add(PortfwMeters.BACKEND_WARM_USED.functionCounter(b, warm::used).tags(tags).register(registry));
    meters.add(PortfwMeters.BACKEND_UP.gauge(b, x -> x.state() == BackendState.UP ? 1 : 0).tags(tags)
        .register(registry));
    meters.add(PortfwMeters.BACKEND_HEALTH_CHECKS.functionCounter(b,
        x -> health.stats(pool, x.address()).map(CheckStats::run).orElse(0L)).tags(tags).register(registry));
    meters.add(PortfwMeters.BACKEND_HEALTH_CHECKS_FAILED.functionCounter(b,
        x -> health.stats(pool, x.address()).map(CheckStats::failed).orElse(0L)).tags(tags).register(registry));
    Timer timer = PortfwMeters.BACKEND_CONNECT_TIME.timer().tags(tags).serviceLevelObjectives(CONNECT_BUCKETS)
        .register(registry);
    meters.add(timer);
    connectTimers.put(b, timer);
    Map<ConnectError, Counter> errors = new EnumMap<>(ConnectError.class);
    for (ConnectError error : ConnectError.values()) {
      Counter counter = PortfwMeters.BACKEND_CONNECT_ERRORS.counter().tags(tags).tag("reason", error.word())
          .register(registry);
      errors.put(error, counter);
      meters.add(counter);
    }
    connectErrors.put(b, errors);
    return meters;
  }

  private static Tags backendTags(String pool, Backend b) {
    return Tags.of("pool", pool, "backend", b.address().toString());
  }
}
