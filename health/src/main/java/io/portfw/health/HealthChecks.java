package io.portfw.health;

import static java.util.Objects.requireNonNull;

import io.portfw.balancing.Backend;
import io.portfw.balancing.ConnectionOutcomes;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.HealthConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.ProbeConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The health of every pool: runs the active checks of its backends and the passive ejection
 * of those failing live traffic, as each pool's config says. {@link #watch} is called with
 * every new snapshot of a pool (start and reload), {@link #unwatch} when a pool is gone.
 * Backends carried over by a reload keep their health; their checks go on uninterrupted when
 * the check settings did not change.
 *
 * <p>All checking runs on one Vert.x context of its own; the methods may be called from any
 * thread.
 */
public final class HealthChecks {

  /** Active checks of one pool; confined to the context. */
  private static final class PoolChecks {
    Optional<HealthConfig> config = Optional.empty();
    final Map<Backend, ProbeLoop> loops = new HashMap<>();
  }

  /** More HTTP checks than this at once wait; far more than any pool's backends. */
  private static final int MAX_HTTP_CHECKS_AT_ONCE = 100_000;

  private final Vertx vertx;
  private final Context context;
  private final NetClient netClient;
  private final HttpClient httpClient;
  private final Map<String, PoolChecks> checks = new HashMap<>();
  /** Read from API threads, so concurrent; written on the context. */
  private final Map<String, Map<BackendAddress, ProbeLoop>> loopsByAddress = new ConcurrentHashMap<>();
  private final Map<String, OutlierDetector> detectors = new ConcurrentHashMap<>();
  /** Told of every ejection decided here, by pool; null unless a cluster shares them. */
  private volatile BiConsumer<String, OutlierDetector.Ejection> onEjection;
  /** The snapshot last returned by {@link #watch} for each pool; guarded by this. */
  private final Map<String, Pool> watched = new HashMap<>();

  public HealthChecks(Vertx vertx) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.context = vertx.getOrCreateContext();
    // Checks must see what a new client would see: a fresh connection each time, no pooling.
    // TCP_QUICKACK on: Vert.x turns it off on epoll, and a socket without it holds the handshake's last ACK back
    // until it has data to send (up to 200 ms); a server-first daemon accepts, and sends its banner, only then.
    this.netClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setTcpQuickAck(true));
    this.httpClient = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true).setTcpQuickAck(true))
        // One connection per check, never a wait for a pooled one: many backends may share one health port.
        .with(new PoolOptions().setHttp1MaxSize(MAX_HTTP_CHECKS_AT_ONCE))
        // A reset after a failed check is the check's business, already judged: not an error for the log.
        .withConnectHandler(connection -> connection.exceptionHandler(ignored -> {}))
        .build();
  }

  /**
   * Starts or adjusts the checks of a pool snapshot, and returns that snapshot reporting its
   * connection outcomes to passive checking when its config asks for it.
   */
  public synchronized Pool watch(Pool pool, PoolConfig config) {
    requireNonNull(pool, "pool");
    requireNonNull(config, "config");
    String name = pool.name();
    ConnectionOutcomes outcomes = ConnectionOutcomes.IGNORED;
    if (config.outlier().isPresent()) {
      outcomes = detectors.compute(name, (key, existing) -> {
        if (existing == null) {
          return new OutlierDetector(name, config.outlier().get(), pool.backends(), vertx, context,
              ejection -> ejected(name, ejection));
        }
        existing.reconfigure(config.outlier().get(), pool.backends());
        return existing;
      });
    } else {
      OutlierDetector gone = detectors.remove(name);
      if (gone != null) {
        gone.close();
      }
    }
    context.runOnContext(v -> reconcile(pool, config.health()));
    Pool watching = pool.withOutcomes(outcomes);
    watched.put(name, watching);
    return watching;
  }

  /**
   * Stops every check of a pool that is gone, unless a newer snapshot of a pool of that name is
   * watched by now (a reload re-added it): {@code snapshot} is what {@link #watch} returned.
   */
  public synchronized void unwatch(Pool snapshot) {
    String pool = snapshot.name();
    if (!watched.remove(pool, snapshot)) {
      return;
    }
    OutlierDetector gone = detectors.remove(pool);
    if (gone != null) {
      gone.close();
    }
    context.runOnContext(v -> {
      PoolChecks removed = checks.remove(pool);
      if (removed != null) {
        removed.loops.values().forEach(ProbeLoop::stop);
      }
      loopsByAddress.remove(pool);
    });
  }

  /** The backends of a pool ejected by passive checking now; none when it has no passive checks. */
  public Future<List<OutlierDetector.Ejection>> ejections(String pool) {
    OutlierDetector detector = detectors.get(pool);
    return detector == null ? Future.succeededFuture(List.of()) : detector.ejections();
  }

  /** Keeps a backend out for what was left of an ejection made by the process this one took over. */
  public void carryEjection(String pool, OutlierDetector.Ejection ejection) {
    carryEjection(pool, ejection, "carried over from the process this one took over");
  }

  /**
   * Keeps a backend out for what was left of an ejection made elsewhere, {@code why} saying where
   * in the log; nothing when the pool has no passive checks here or the backend is out already.
   */
  public void carryEjection(String pool, OutlierDetector.Ejection ejection, String why) {
    OutlierDetector detector = detectors.get(pool);
    if (detector != null) {
      detector.carry(ejection, why);
    }
  }

  /**
   * {@code told} hears of every ejection passive checking decides here from now on (not of
   * carried ones), with its pool, on the health context; null stops it.
   */
  public void onEjection(BiConsumer<String, OutlierDetector.Ejection> told) {
    this.onEjection = told;
  }

  private void ejected(String pool, OutlierDetector.Ejection ejection) {
    BiConsumer<String, OutlierDetector.Ejection> told = onEjection;
    if (told != null) {
      told.accept(pool, ejection);
    }
  }

  /** A backend's active checks so far; empty when its pool has none. */
  public Optional<CheckStats> stats(String pool, BackendAddress backend) {
    return Optional.ofNullable(loopsByAddress.getOrDefault(pool, Map.of()).get(backend))
        .map(l -> new CheckStats(Optional.ofNullable(l.last()), l.checksRun(), l.checksFailed()));
  }

  /** A backend's last active check results, oldest first (at most {@value CheckHistory#KEPT}); empty without checks. */
  public List<CheckResult> recentChecks(String pool, BackendAddress backend) {
    ProbeLoop loop = loopsByAddress.getOrDefault(pool, Map.of()).get(backend);
    return loop == null ? List.of() : loop.recent();
  }

  private void reconcile(Pool pool, Optional<HealthConfig> config) {
    PoolChecks pc = checks.computeIfAbsent(pool.name(), k -> new PoolChecks());
    Map<Backend, ProbeLoop> next = new HashMap<>();
    for (Backend backend : pool.backends()) {
      ProbeLoop running = pc.loops.remove(backend);
      if (config.isEmpty()) {
        if (running != null) {
          running.stop();
        }
        if (!backend.checksPassing()) {
          StateLog.changed(pool.name(), backend, backend.checks(true), "checks passing", "health checks switched off");
        }
      } else if (running != null && running.config().equals(config.get())) {
        next.put(backend, running);
      } else {
        if (running != null) {
          running.stop();
        }
        // A backend checked before keeps its verdict; a new one is decided by its first result.
        ProbeLoop loop = new ProbeLoop(vertx, pool.name(), backend, config.get(), probe(config.get()), running != null);
        loop.start();
        next.put(backend, loop);
      }
    }
    pc.loops.values().forEach(ProbeLoop::stop); // backends no longer in the pool
    pc.loops.clear();
    pc.loops.putAll(next);
    pc.config = config;
    Map<BackendAddress, ProbeLoop> byAddress = new HashMap<>();
    next.forEach((backend, loop) -> byAddress.put(backend.address(), loop));
    loopsByAddress.put(pool.name(), Map.copyOf(byAddress));
  }

  private Probe probe(HealthConfig config) {
    int timeout = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
    ProbeConfig probe = config.probe();
    Optional<ProbeTls> tls = ProbeTls.of(config.tls());
    if (probe instanceof ProbeConfig.Http http) {
      return new HttpProbe(vertx, httpClient, http, timeout, tls);
    }
    if (probe instanceof ProbeConfig.SendExpect sendExpect) {
      return sendExpect.protocol() == io.portfw.config.Protocol.UDP
          ? new UdpSendExpectProbe(vertx, sendExpect, timeout)
          : new SendExpectProbe(vertx, netClient, sendExpect, timeout, tls);
    }
    return new TcpProbe(vertx, netClient, timeout, tls);
  }
}
