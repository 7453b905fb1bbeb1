package io.portfw.core.cluster;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.balancing.StickyTable;
import io.portfw.config.BackendAddress;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pools' sticky tables kept alike on every member: a client a table remembers here is
 * published to the group in batches every {@value #BATCH_MILLIS} ms, and the others lay it into
 * their table of the same pool without publishing it again. A member that joins says hello and
 * each member sends it its tables. The picking itself never waits: it hands the entry to a queue.
 */
final class SharedSticky {

  private static final Logger LOG = LoggerFactory.getLogger(SharedSticky.class);

  static final String ENTRIES = "portfw.cluster.sticky";
  static final String HELLO = "portfw.cluster.sticky.hello";
  /** How long a new entry may wait before it is sent: the window in which another member may pick otherwise. */
  static final long BATCH_MILLIS = 50;
  private static final int MAX_PER_MESSAGE = 2000;
  /** The most new entries sent in one round; more are dropped (the exchange has fallen behind; each member still decides alone). */
  static final int MAX_PER_ROUND = 200_000;

  /** One entry remembered here, as the picking thread hands it on: formatting waits for the flush. */
  private record Remembered(String pool, InetAddress client, BackendAddress backend) {}

  private final Vertx vertx;
  private final GroupBus bus;
  private final Context context;
  private final String member;
  /** Entries remembered here, not yet sent. Filled on the event loops. */
  private final ConcurrentLinkedQueue<Remembered> pending = new ConcurrentLinkedQueue<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final Promise<Void> listening = Promise.promise();
  private volatile Map<String, Pool> pools = Map.of();
  /** Confined to the context. */
  private boolean greeted;
  private long timer = -1;

  SharedSticky(Vertx vertx, GroupBus bus, Context context, String member) {
    this.vertx = vertx;
    this.bus = bus;
    this.context = context;
    this.member = member;
  }

  void start() {
    context.runOnContext(v -> {
      consumers.add(bus.consumer(ENTRIES, this::received));
      consumers.add(bus.consumer(ENTRIES + "." + member, this::received));
      consumers.add(bus.consumer(HELLO, this::hello));
      Future.all(consumers.stream().map(MessageConsumer::completion).toList()).<Void>mapEmpty().onComplete(listening);
      timer = vertx.setPeriodic(BATCH_MILLIS, id -> flush());
    });
  }

  /** Hooks every sticky table of the running pools; the first time there is one, asks the group for theirs. */
  void apply(Map<String, Pool> running) {
    this.pools = running;
    boolean any = false;
    for (Pool pool : running.values()) {
      String name = pool.name();
      if (pool.sticky().isPresent()) {
        any = true;
        pool.sticky().get().onRemember((client, backend) -> pending.add(new Remembered(name, client, backend)));
      }
    }
    if (any) {
      listening.future().onSuccess(v -> context.runOnContext(x -> {
        if (!greeted) {
          greeted = true; // replies come to ENTRIES.member, registered before this
          bus.publish(HELLO, new JsonObject().put("from", member));
        }
      }));
    }
  }

  private void flush() {
    List<JsonArray> batch = new ArrayList<>();
    int sent = 0;
    long dropped = 0;
    Remembered entry;
    while ((entry = pending.poll()) != null) {
      if (sent == MAX_PER_ROUND) {
        dropped++;
        continue;
      }
      sent++;
      batch.add(JsonArray.of(entry.pool(), entry.client().getHostAddress(), entry.backend().toString()));
      if (batch.size() == MAX_PER_MESSAGE) {
        bus.publish(ENTRIES, message(batch));
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      bus.publish(ENTRIES, message(batch));
    }
    if (dropped > 0) {
      LOG.warn("cluster: {} new sticky client(s) not sent to the group: more than {} in {} ms", dropped, MAX_PER_ROUND,
          BATCH_MILLIS);
    }
  }

  private JsonObject message(List<JsonArray> entries) {
    return new JsonObject().put("from", member).put("entries", new JsonArray(new ArrayList<>(entries)));
  }

  /** A member joined: it gets every entry of every table here, sent to it alone. */
  private void hello(JsonObject body) {
    String from = body.getString("from");
    if (from == null || from.equals(member)) {
      return;
    }
    List<JsonArray> batch = new ArrayList<>();
    for (Pool pool : pools.values()) {
      if (pool.sticky().isEmpty()) {
        continue;
      }
      for (Map.Entry<InetAddress, BackendAddress> e : pool.sticky().get().entries().entrySet()) {
        batch.add(JsonArray.of(pool.name(), e.getKey().getHostAddress(), e.getValue().toString()));
        if (batch.size() == MAX_PER_MESSAGE) {
          bus.send(ENTRIES + "." + from, message(batch));
          batch = new ArrayList<>();
        }
      }
    }
    if (!batch.isEmpty()) {
      bus.send(ENTRIES + "." + from, message(batch));
    }
  }

  /** Entries from another member: laid into the tables here as carried ones (not published again). */
  private void received(JsonObject body) {
    JsonArray entries = body.getJsonArray("entries");
    if (member.equals(body.getString("from")) || entries == null) {
      return;
    }
    Map<String, Pool> running = pools;
    Map<StickyTable, Map<InetAddress, BackendAddress>> byTable = new HashMap<>();
    Map<String, Map<String, Backend>> backends = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonArray e = entries.getJsonArray(i);
      Pool pool = running.get(e.getString(0));
      if (pool == null || pool.sticky().isEmpty()) {
        continue;
      }
      InetAddress client = Received.client(e.getString(1));
      Backend backend = backends.computeIfAbsent(pool.name(), n -> Received.byAddress(pool)).get(e.getString(2));
      if (backend != null && client != null) {
        byTable.computeIfAbsent(pool.sticky().get(), t -> new HashMap<>()).put(client, backend.address());
      }
    }
    byTable.forEach(StickyTable::carry);
  }

  Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      pools.values().forEach(p -> p.sticky().ifPresent(t -> t.onRemember(null)));
      Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).<Void>mapEmpty().onComplete(closed);
    });
    return closed.future();
  }
}
