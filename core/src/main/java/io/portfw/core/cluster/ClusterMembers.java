package io.portfw.core.cluster;

import io.portfw.core.observe.ClusterStats;
import io.portfw.core.observe.PortfwMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group as this member sees it, from heartbeats on the clustered event bus: every second each
 * member publishes its {@link MemberInfo}, signed with the secret. A member not heard from for
 * {@link #CONTACT_LOST_MILLIS} is out of contact; it is forgotten once Hazelcast, too, has dropped it
 * from the cluster. With no other member in contact this member is alone: it says so in the log,
 * the API and a metric, and goes on forwarding with what it knows.
 */
public final class ClusterMembers implements ClusterStats {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterMembers.class);
  static final String ADDRESS = "portfw.cluster.heartbeat";
  static final long INTERVAL_MILLIS = Long.getLong("portfw.cluster.heartbeatMillis", 1000);
  /** Three heartbeats missed: out of contact. */
  public static final long CONTACT_LOST_MILLIS = 3 * INTERVAL_MILLIS;

  private record Heard(MemberInfo info, long atNanos, long lagMillis) {
    long ageMillis(long now) {
      return (now - atNanos) / 1_000_000;
    }
  }

  private final Vertx vertx;
  private final String name;
  private final String address;
  private final ClusterSecret secret;
  private final Supplier<String> configHash;
  private final String version;
  private final PortfwMetrics metrics;
  private final long startedAt = System.currentTimeMillis();
  private final Map<String, Heard> heard = new ConcurrentHashMap<>();
  private final List<Runnable> onContact = new ArrayList<>();
  private volatile boolean alone = true;
  private volatile boolean everConnected;
  private volatile Instant since = Instant.ofEpochMilli(startedAt);
  private MessageConsumer<Object> consumer;
  private long timer = -1;

  ClusterMembers(Vertx vertx, String name, String address, ClusterSecret secret, Supplier<String> configHash,
      String version, PortfwMetrics metrics) {
    this.vertx = vertx;
    this.name = name;
    this.address = address;
    this.secret = secret;
    this.configHash = configHash;
    this.version = version;
    this.metrics = metrics;
  }

  /** Runs {@code action} each time this member comes into contact with others after being alone. */
  void onContact(Runnable action) {
    onContact.add(action);
  }

  void start() {
    consumer = vertx.eventBus().consumer(ADDRESS, message -> received(message.body()));
    metrics.cluster(this);
    timer = vertx.setPeriodic(1, INTERVAL_MILLIS, t -> tick());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (consumer != null) {
      consumer.unregister();
    }
  }

  String selfId() {
    return ((VertxInternal) vertx).clusterManager().getNodeId();
  }

  private MemberInfo self() {
    return new MemberInfo(selfId(), address, version, configHash.get(), startedAt, System.currentTimeMillis());
  }

  private void received(Object message) {
    SignedMessage.open(secret, message).ifPresentOrElse(body -> {
      MemberInfo info;
      try {
        info = MemberInfo.fromJson(body);
      } catch (RuntimeException e) {
        LOG.debug("cluster {}: a heartbeat that does not read: {}", name, e.getMessage());
        return;
      }
      if (info.id().equals(selfId())) {
        return;
      }
      Heard before = heard.put(info.id(), new Heard(info, System.nanoTime(),
          Math.max(0, System.currentTimeMillis() - info.sentAt())));
      if (before == null) {
        LOG.info("cluster {}: member {} ({}, portfw {}) is in contact", name, info.address(), info.id(),
            info.version());
      }
      String own = configHash.get();
      boolean newHash = before == null || !before.info().configHash().equals(info.configHash());
      if (newHash && !info.configHash().equals(own) && !"-".equals(info.configHash()) && !"-".equals(own)) {
        LOG.warn("cluster {}: member {} runs another config (hash {}, this member's {})", name, info.address(),
            info.configHash(), own);
      }
    }, () -> LOG.debug("cluster {}: dropped a heartbeat without a valid tag", name));
  }

  private void tick() {
    vertx.eventBus().publish(ADDRESS, SignedMessage.seal(secret, self().toJson()));
    long now = System.nanoTime();
    Set<String> nodes = new HashSet<>(((VertxInternal) vertx).clusterManager().getNodes());
    heard.entrySet().removeIf(e -> {
      boolean gone = !nodes.contains(e.getKey()) && e.getValue().ageMillis(now) > CONTACT_LOST_MILLIS;
      if (gone) {
        LOG.info("cluster {}: member {} ({}) has left the cluster", name, e.getValue().info().address(), e.getKey());
      }
      return gone;
    });
    boolean nowAlone = heard.values().stream().noneMatch(h -> h.ageMillis(now) <= CONTACT_LOST_MILLIS);
    if (nowAlone != alone) {
      since = Instant.now();
      alone = nowAlone;
      if (nowAlone) {
        LOG.warn("cluster {}: lost contact with every other member; forwarding goes on with the state known here", name);
      } else {
        LOG.info("cluster {}: in contact with {} other member(s){}", name, members() - 1,
            everConnected ? ", catching up on the operator changes made meanwhile" : "");
        everConnected = true;
        onContact.forEach(Runnable::run);
      }
    }
    metrics.syncClusterMembers(this);
  }

  /** The group now: this member first, then the others by address. */
  public ClusterStatus status() {
    long now = System.nanoTime();
    String ownHash = configHash.get();
    List<MemberStatus> members = new ArrayList<>();
    members.add(new MemberStatus(self(), 0, 0, true, true));
    heard.values().stream().sorted(Comparator.comparing(h -> h.info().address())).forEach(h -> members.add(
        new MemberStatus(h.info(), h.ageMillis(now), h.lagMillis(), false, h.info().configHash().equals(ownHash))));
    return new ClusterStatus(name, alone, since, everConnected, members);
  }

  @Override
  public int members() {
    long now = System.nanoTime();
    return 1 + (int) heard.values().stream().filter(h -> h.ageMillis(now) <= CONTACT_LOST_MILLIS).count();
  }

  @Override
  public boolean alone() {
    return alone;
  }

  @Override
  public int configMismatches() {
    String own = configHash.get();
    return (int) heard.values().stream().filter(h -> !h.info().configHash().equals(own)).count();
  }

  @Override
  public Set<String> otherMembers() {
    Set<String> addresses = new HashSet<>();
    heard.values().forEach(h -> addresses.add(h.info().address()));
    return addresses;
  }

  @Override
  public double lastContactSeconds(String member) {
    long now = System.nanoTime();
    return heard.values().stream().filter(h -> h.info().address().equals(member))
        .mapToDouble(h -> h.ageMillis(now) / 1000.0).min().orElse(Double.NaN);
  }

  @Override
  public double lagSeconds(String member) {
    return heard.values().stream().filter(h -> h.info().address().equals(member))
        .mapToDouble(h -> h.lagMillis() / 1000.0).min().orElse(Double.NaN);
  }
}
