package io.portfw.core.runtime;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.ConfigDiff;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.core.listener.BindCheck;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.SocketInheritance;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.tls.ClientTls;
import io.portfw.core.tls.ServerTls;
import io.portfw.core.upstream.BackendResolver;
import io.portfw.core.upstream.SourceBinding;
import io.portfw.core.upstream.TransparentSupport;
import io.portfw.health.HealthChecks;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the running listeners and pools to a config, one config at a time. Start is the same
 * path from a config with no listeners and no pools. Binds what is new first, and only when
 * everything bound commits the rest (pools swapped, settings changed in place, removed listeners
 * drained); a failure leaves the running config exactly as it was.
 */
final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final HealthChecks health;
  private final BackendResolver resolver;
  private final Function<LiveListener, Future<String>> deploy;
  private final Function<LiveListener, Future<Void>> retire;
  private final Consumer<ReloadResult> recorded;
  private final Runnable changed;
  /** Pool snapshots by name; a reload replaces a snapshot whole, readers never lock. */
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final Map<String, LiveListener> listeners = new ConcurrentHashMap<>();
  private volatile PortfwConfig config;
  /** Configs are applied one after another: each starts when the one before has finished. */
  private Future<ReloadResult> applying = Future.succeededFuture();

  /**
   * @param empty the config it starts from: the top-level settings, no listener, no pool
   * @param deploy binds a listener's deployment, completing with its id
   * @param retire stops a deployment: it unbinds at once and drains in the background
   * @param recorded told of every outcome, as it is known
   * @param changed told whenever the running listeners or pools have changed (metrics follow)
   */
  /** Sockets a take-over handed over: bound already, so not tried before a start. */
  private final SocketInheritance handedOver;
  /** The certificates loaded for the config being applied; read by its commit. */
  private TlsMaterial pendingTls = TlsMaterial.NONE;
  /** Each pool's TLS toward its backends, as of the last applied config; read by every connect. */
  private volatile Map<String, ClientTls> poolTls = Map.of();
  /** Where each pool's backend connections come from, for the pools that choose (transparent, source). */
  private volatile Map<String, SourceBinding> poolSources = Map.of();

  Reconciler(PortfwConfig empty, HealthChecks health, BackendResolver resolver,
      Function<LiveListener, Future<String>> deploy, Function<LiveListener, Future<Void>> retire,
      Consumer<ReloadResult> recorded, Runnable changed, SocketInheritance handedOver) {
    this.handedOver = handedOver;
    this.config = empty;
    this.health = health;
    this.resolver = resolver;
    this.deploy = deploy;
    this.retire = retire;
    this.recorded = recorded;
    this.changed = changed;
  }

  /** A pool's TLS toward its backends, or null for plain TCP. */
  ClientTls poolTls(String pool) {
    return poolTls.get(pool);
  }

  /** Where a pool's backend connections come from, or null when the kernel chooses. */
  SourceBinding poolSource(String pool) {
    return poolSources.get(pool);
  }

  /** The running listeners, as they are now. */
  Collection<LiveListener> liveListeners() {
    return Collections.unmodifiableCollection(listeners.values());
  }

  /** Moves to {@code next} after every config queued before it; the outcome is also recorded. */
  Future<ReloadResult> apply(PortfwConfig next, boolean starting) {
    synchronized (this) {
      applying = applying.transform(previous -> applyNow(next, starting));
      return applying;
    }
  }

  /**
   * Gives every running listener the certificates just loaded for it (none: it stops terminating
   * TLS); true when any listener's certificates changed. Live connections keep what they began with.
   */
  private boolean useCertificates(TlsMaterial tls) {
    poolTls = tls.byPool();
    boolean renewed = false;
    for (var e : listeners.entrySet()) {
      ServerTls next = tls.byListener().get(e.getKey());
      ServerTls now = e.getValue().tls();
      if (next != null && now != null && next.fingerprint().equals(now.fingerprint())
          && next.config().equals(now.config())) {
        continue; // the same certificates and settings: the running contexts stay, and their session caches
      }
      if (next != null && now != null && !next.fingerprint().equals(now.fingerprint())) {
        LOG.info("listener {}: certificates reloaded", e.getKey());
        renewed = true;
      }
      e.getValue().tls(next);
    }
    return renewed;
  }

  /** Records an outcome that never reached {@link #apply} (an invalid file), in turn with the others. */
  void recordInTurn(ReloadResult result) {
    synchronized (this) {
      applying = applying.transform(previous -> Future.succeededFuture(record(result)));
    }
  }

  private Future<ReloadResult> applyNow(PortfwConfig next, boolean starting) {
    String hash = ConfigHash.of(next);
    // Certificates first: they are read again on every reload (a renewed one under the same file name), and one
    // that cannot serve refuses the whole config.
    TlsMaterial tls = TlsMaterial.load(next);
    if (!tls.errors().isEmpty()) {
      LOG.warn("{} failed, the running config and certificates stay: {}", starting ? "start" : "reload",
          String.join("; ", tls.messages()));
      return Future.succeededFuture(record(ReloadResult.Outcome.FAILED, tls.messages(), hash, "not applied"));
    }
    tls.logProviderOnce();
    ConfigDiff diff = ConfigDiff.between(config, next);
    if (diff.isEmpty() && !starting) {
      boolean renewed = useCertificates(tls);
      if (renewed) {
        changed.run();
      }
      return Future.succeededFuture(record(ReloadResult.Outcome.UNCHANGED, List.of(), hash,
          renewed ? "no change to the config; certificates reloaded" : "no change"));
    }
    this.pendingTls = tls;
    Optional<String> unbindable = BindCheck.firstFailure(diff, config, handedOver);
    if (unbindable.isPresent()) {
      LOG.warn("{} failed, the running config stays: {}", starting ? "start" : "reload", unbindable.get());
      return Future.succeededFuture(record(ReloadResult.Outcome.FAILED, List.of(unbindable.get()), hash, "not applied"));
    }
    Optional<String> notTransparent = TransparentSupport.refusal(next);
    if (notTransparent.isPresent()) {
      LOG.warn("{} failed, the running config stays: {}", starting ? "start" : "reload", notTransparent.get());
      return Future.succeededFuture(record(ReloadResult.Outcome.FAILED, List.of(notTransparent.get()), hash,
          "not applied"));
    }
    // Backend names first, so no client meets an unresolved backend.
    return resolver.lookUpNew(hostNames(next)).compose(resolved -> bindAndCommit(next, diff, hash, starting));
  }

  /** The backend host names of a config that need a lookup (not IP literals). */
  private static List<String> hostNames(PortfwConfig config) {
    return config.pools().stream().flatMap(p -> p.backends().stream()).map(b -> b.address())
        .filter(a -> !a.isLiteral()).map(a -> a.host()).distinct().toList();
  }

  private Future<ReloadResult> bindAndCommit(PortfwConfig next, ConfigDiff diff, String hash, boolean starting) {
    for (PoolConfig added : diff.poolsAdded()) {
      pools.put(added.name(), health.watch(seeded(Pools.fromConfig(added)), added)); // a new name: no listener reads it yet
    }
    resolver.track(pools.values());
    List<LiveListener> fresh = new ArrayList<>();
    for (ListenerConfig l : diff.added()) {
      fresh.add(new LiveListener(l));
    }
    for (ListenerConfig l : diff.rebound()) {
      fresh.add(listeners.get(l.name()).rebound(l));
    }
    fresh.forEach(l -> l.tls(pendingTls.byListener().get(l.config().name())));
    List<Future<String>> bound = fresh.stream().map(deploy).toList();
    return Future.join(bound).transform(all -> {
      if (all.failed()) {
        // Rare after the bind check (another process took a port since): undo, pools last, once nothing reads them.
        List<Future<Void>> undone = fresh.stream().filter(l -> l.deploymentId() != null).map(retire).toList();
        Map<String, Pool> addedPools = snapshots(diff.poolsAdded());
        Future.join(undone).onComplete(done -> {
          addedPools.forEach(this::removePool);
          resolver.track(pools.values(), true);
        });
        String why = bound.stream().filter(Future::failed).map(f -> f.cause().getMessage()).findFirst().orElse("unknown");
        LOG.warn("{} failed, the running config stays: {}", starting ? "start" : "reload", why);
        return Future.succeededFuture(record(ReloadResult.Outcome.FAILED, List.of(why), hash, "not applied"));
      }
      commit(next, diff, fresh);
      if (starting) {
        return Future.succeededFuture(record(ReloadResult.Outcome.APPLIED, List.of(), hash, "started: " + next.summary()));
      }
      LOG.atInfo().addKeyValue("reload", "applied").log("reload applied: {}", diff.summary());
      return Future.succeededFuture(record(ReloadResult.Outcome.APPLIED, List.of(), hash, diff.summary()));
    });
  }

  private void commit(PortfwConfig next, ConfigDiff diff, List<LiveListener> fresh) {
    for (PoolConfig changed : diff.poolsChanged()) {
      pools.put(changed.name(), health.watch(seeded(Pools.update(pools.get(changed.name()), changed)), changed));
    }
    Map<String, ListenerConfig> byName = new HashMap<>();
    next.listeners().forEach(l -> byName.put(l.name(), l));
    diff.renamed().forEach((newName, oldName) -> {
      LiveListener live = listeners.remove(oldName);
      live.config(byName.get(newName));
      listeners.put(newName, live);
    });
    for (ListenerConfig changed : diff.changed()) {
      listeners.get(changed.name()).config(changed);
    }
    useCertificates(pendingTls);
    poolSources = SourceBinding.byPool(next);
    List<Future<Void>> retiring = new ArrayList<>();
    for (LiveListener l : fresh) {
      LiveListener replaced = listeners.put(l.config().name(), l);
      if (replaced != null) {
        if (replaced.config().listen().overlaps(l.config().listen())) {
          replaced.portsStayServed(); // its connections are not being removed
        }
        retiring.add(retire.apply(replaced)); // rebound: the old address stops accepting once the new one is bound
      }
    }
    for (ListenerConfig removed : diff.removed()) {
      LiveListener gone = listeners.remove(removed.name());
      if (next.listeners().stream().anyMatch(l -> l.protocol() == removed.protocol() && l.listen().overlaps(removed.listen()))) {
        gone.portsStayServed(); // another listener took its ports over: a UDP socket must not linger on them
      }
      retiring.add(retire.apply(gone));
    }
    // Removed pools go once the listeners that read them have stopped accepting, and only if not re-added since.
    Map<String, Pool> removedPools = snapshots(diff.poolsRemoved());
    Future.join(retiring).onComplete(done -> removedPools.forEach(this::removePool));
    resolver.track(pools.values(), true);
    config = next;
  }

  /** Gives the named backends of a snapshot about to be published the answer already known, so none starts without an address. */
  private Pool seeded(Pool pool) {
    for (Backend b : pool.backends()) {
      if (b.ip() == null) {
        InetAddress known = resolver.current(b.address().host());
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
      changed.run();
    }
  }

  private Map<String, Pool> snapshots(List<PoolConfig> of) {
    Map<String, Pool> out = new HashMap<>();
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
    recorded.accept(result);
    changed.run();
    return result;
  }

  PortfwConfig config() {
    return config;
  }

  /** The running listeners by name. */
  Map<String, LiveListener> listeners() {
    return Collections.unmodifiableMap(listeners);
  }

  /** Every pool snapshot by name. */
  Map<String, Pool> pools() {
    return Collections.unmodifiableMap(pools);
  }
}
