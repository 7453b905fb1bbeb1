package io.portfw.core.upstream;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.NetUtil;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.DiscoverConfig;
import io.portfw.core.observe.DiscoveryStats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's {@code discover}: looks its records up, again when their TTL runs out (within the
 * {@code dns} section's minTtl and maxTtl), and reports a changed set of backends. An answer
 * replaces the set, an empty answer or NXDOMAIN too (the backends drain, as Envoy's STRICT_DNS
 * does); a lookup that gets no answer (timeout, SERVFAIL) keeps the last set and is retried after
 * minTtl. All state lives on the lookups' event loop; {@link #backends} is readable from any thread.
 */
final class PoolDiscovery {

  private static final Logger LOG = LoggerFactory.getLogger(PoolDiscovery.class);

  /** A backend found in DNS and the record it came from ({@code "web.internal A"}). */
  record Found(BackendConfig backend, String record) {}

  /** How soon a name without records is asked again (within minTtl and maxTtl): it may come back any time. */
  static final long EMPTY_TTL_SECONDS = 5;

  private final String pool;
  private final DiscoverConfig config;
  private final DnsLookups dns;
  private final Consumer<String> changed;
  private final DiscoveryStats stats;
  /** Completed by the first lookup, whatever its outcome. */
  private final Promise<Void> first = Promise.promise();
  private volatile List<Found> current = List.of();
  private ScheduledFuture<?> next;
  private boolean stopped;

  /** {@code changed}: told the pool's name, on the loop, whenever the set of backends changes. */
  PoolDiscovery(String pool, DiscoverConfig config, DnsLookups dns, Consumer<String> changed) {
    this.pool = pool;
    this.config = config;
    this.dns = dns;
    this.changed = changed;
    this.stats = new DiscoveryStats(config.name() + (config.srv() ? " SRV" : " A/AAAA"));
  }

  DiscoverConfig config() {
    return config;
  }

  DiscoveryStats stats() {
    return stats;
  }

  List<Found> backends() {
    return current;
  }

  /** Starts looking up; the future completes after the first lookup, answered or not. Runs on the loop. */
  Future<Void> start() {
    lookUp();
    return first.future();
  }

  /** Runs on the loop. */
  void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
    first.tryComplete();
  }

  private void lookUp() {
    next = null;
    if (stopped) {
      return;
    }
    Future<Answer> answer = config.srv() ? services() : addresses(config.name(), config.port(), 1, false,
        config.name());
    answer.onComplete(done -> {
      if (stopped) {
        return;
      }
      if (done.succeeded()) {
        use(done.result());
      } else {
        keep(done.cause());
      }
      first.tryComplete();
    });
  }

  /** Backends and the TTL to keep them for. */
  private record Answer(List<Found> backends, long ttlSeconds) {}

  /** A (else AAAA) records of {@code host}; NXDOMAIN or no records is an empty answer. */
  private Future<Answer> addresses(String host, int port, int weight, boolean backup, String label) {
    return orNone(dns.addresses(host, DnsRecordType.A)).compose(a -> a.addresses().isEmpty()
            ? orNone(dns.addresses(host, DnsRecordType.AAAA)).map(aaaa -> new Typed(aaaa, "AAAA"))
            : Future.succeededFuture(new Typed(a, "A")))
        .map(typed -> new Answer(typed.addresses().addresses().stream()
            .map(ip -> new Found(new BackendConfig(literal(ip, port), weight, backup, BackendConfig.UNLIMITED),
                label + " " + typed.type()))
            .toList(), typed.addresses().addresses().isEmpty() ? EMPTY_TTL_SECONDS : typed.addresses().ttlSeconds()));
  }

  private record Typed(DnsLookups.Addresses addresses, String type) {}

  /** NXDOMAIN as no records: the name has no backends now. */
  private static Future<DnsLookups.Addresses> orNone(Future<DnsLookups.Addresses> lookup) {
    return lookup.recover(failed -> failed instanceof DnsLookups.NoSuchName
        ? Future.succeededFuture(new DnsLookups.Addresses(List.of(), EMPTY_TTL_SECONDS))
        : Future.failedFuture(failed));
  }

  /**
   * SRV records, each target looked up for its addresses. The lowest priority present gives the
   * primaries, every higher one backups (portfw has two tiers); weights are scaled into 1-256.
   */
  private Future<Answer> services() {
    return dns.services(config.name()).recover(failed -> failed instanceof DnsLookups.NoSuchName
            ? Future.succeededFuture(List.of()) : Future.failedFuture(failed))
        .compose(records -> {
          if (records.isEmpty()) {
            return Future.succeededFuture(new Answer(List.of(), EMPTY_TTL_SECONDS));
          }
          int lowest = records.stream().mapToInt(DnsLookups.Service::priority).min().orElse(0);
          int heaviest = records.stream().mapToInt(DnsLookups.Service::weight).max().orElse(0);
          List<Future<Answer>> targets = new ArrayList<>();
          for (DnsLookups.Service s : records) {
            String label = config.name() + " SRV " + s.target();
            targets.add(addresses(s.target(), s.port(), weight(s.weight(), heaviest), s.priority() != lowest, label)
                .recover(failed -> Future.succeededFuture(kept(label, failed))));
          }
          long srvTtl = records.stream().mapToLong(DnsLookups.Service::ttlSeconds).min().orElse(Long.MAX_VALUE);
          return Future.all(targets).map(all -> {
            List<Found> found = new ArrayList<>();
            long ttl = srvTtl;
            for (Future<Answer> t : targets) {
              found.addAll(t.result().backends());
              ttl = Math.min(ttl, t.result().ttlSeconds());
            }
            return new Answer(found, ttl);
          });
        });
  }

  /** A target whose lookup got no answer keeps the backends it had; it is asked again soon. */
  private Answer kept(String label, Throwable why) {
    LOG.warn("pool {}: discover {}: lookup failed ({}), keeping its last addresses", pool, label, why.getMessage());
    return new Answer(current.stream().filter(f -> f.record().startsWith(label + " ")).toList(), 0);
  }

  /** SRV weight (0-65535) as a backend weight (1-256), in proportion; 0 keeps a small share, as RFC 2782 wants. */
  static int weight(int srvWeight, int heaviest) {
    if (heaviest <= BackendConfig.MAX_WEIGHT) {
      return Math.max(1, srvWeight);
    }
    return Math.max(1, (int) Math.round(srvWeight * (double) BackendConfig.MAX_WEIGHT / heaviest));
  }

  /** The address as an operator writes it ({@code 2001:db8::5}, RFC 5952), so the API and the logs show it so. */
  private static BackendAddress literal(InetAddress ip, int port) {
    return new BackendAddress(NetUtil.toAddressString(ip), port);
  }

  private void use(Answer answer) {
    // One backend per address: the first record naming it (primaries come first) wins. Servers rotate the order of
    // their records: sorted, the same records are the same set, and the pool is not rebuilt for nothing.
    Map<BackendAddress, Found> unique = new LinkedHashMap<>();
    answer.backends().stream()
        .sorted(Comparator.comparing((Found f) -> f.backend().backup())
            .thenComparing(f -> f.backend().address().toString())
            .thenComparing(Found::record))
        .forEach(f -> unique.putIfAbsent(f.backend().address(), f));
    List<Found> next = List.copyOf(unique.values());
    boolean wasFailing = stats.failing() == 1;
    stats.answered(next.size());
    if (!next.equals(current)) {
      LOG.info("pool {}: discover {}: {} backend(s) {}", pool, stats.question(), next.size(),
          next.stream().map(f -> f.backend().address().toString()).toList());
      current = next;
      if (first.future().isComplete()) {
        changed.accept(pool); // the first answer is applied by the start or reload that waits for it
      }
    } else if (wasFailing) {
      LOG.info("pool {}: discover {}: answered again, the same {} backend(s)", pool, stats.question(), next.size());
    }
    schedule(dns.keepMillis(answer.ttlSeconds()));
  }

  private void keep(Throwable why) {
    if (stats.failing() == 0) {
      LOG.warn("pool {}: discover {}: lookup failed ({}); keeping the last {} backend(s) and retrying", pool,
          stats.question(), why.getMessage(), current.size());
    }
    stats.failed(why.getMessage());
    schedule(dns.config().minTtl().toMillis());
  }

  private void schedule(long millis) {
    if (!stopped) {
      next = dns.loop().schedule(this::lookUp, millis, TimeUnit.MILLISECONDS);
    }
  }
}
