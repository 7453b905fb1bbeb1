package io.portfw.core.admin;

import io.portfw.balancing.AdminState;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.balancing.StateChange;
import io.portfw.config.ListenerConfig;
import io.portfw.config.Protocol;
import io.portfw.core.cluster.ClusterStatus;
import io.portfw.core.cluster.MemberStatus;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.DiscoveryStats;
import io.portfw.core.observe.QueueStats;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.TlsFacts;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.observe.UdpDrop;
import io.portfw.core.runtime.RuntimeView;
import io.portfw.health.CheckResult;
import io.portfw.health.CheckStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin API's answers, read from the running instance; the routes are in {@link AdminServer}. */
final class AdminApi {

  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 100_000;

  private final RuntimeView runtime;

  AdminApi(RuntimeView runtime) {
    this.runtime = runtime;
  }

  void listeners(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    runtime.config().listeners().forEach(l -> {
      ListenerCounters counters = runtime.listenerCounters(l.name());
      if (counters != null) {
        out.add(listener(l, counters));
      }
    });
    json(ctx, new JsonObject().put("listeners", out));
  }

  private static JsonObject listener(ListenerConfig c, ListenerCounters n) {
    JsonObject refused = new JsonObject();
    for (Refusal r : Refusal.values()) {
      refused.put(r.word(), n.refusedCount(r));
    }
    JsonObject json = new JsonObject()
        .put("name", c.name())
        .put("protocol", c.protocol().name().toLowerCase(Locale.ROOT))
        .put("listen", c.listen().toString())
        .put("pool", c.pool())
        .put("routes", routes(c))
        .put("active", n.openCount())
        .put("accepted", n.acceptedCount())
        .put("refused", refused)
        .put("bytesReceived", n.bytesFromClients())
        .put("bytesSent", n.bytesFromBackends());
    if (c.protocol() == Protocol.UDP) {
      JsonObject dropped = new JsonObject();
      for (UdpDrop d : UdpDrop.values()) {
        dropped.put(d.word(), n.droppedCount(d));
      }
      json.put("datagramsReceived", n.datagramsFromClients()).put("datagramsSent", n.datagramsFromBackends())
          .put("dropped", dropped).put("sessions", n.sessionCount());
    }
    return json;
  }

  /** The pools a listener reaches by TLS server name, beside its own: {@code [{"serverName": ..., "pool": ...}]}. */
  private static JsonArray routes(ListenerConfig c) {
    JsonArray routes = new JsonArray();
    c.sni().ifPresent(sni -> sni.routes().forEach(r -> routes.add(new JsonObject()
        .put("serverName", r.serverName()).put("pool", r.pool()))));
    return routes;
  }

  void pools(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    runtime.config().pools().forEach(p -> {
      Pool pool = runtime.pool(p.name());
      if (pool != null) {
        JsonObject json = pool(pool, p.balance());
        // Where backend connections come from: the clients' own addresses, a chosen one, or the kernel's choice.
        json.put("transparent", p.transparent()).put("source", p.source().map(Object::toString).orElse(null));
        QueueStats line = runtime.queue(p.name());
        p.queue().ifPresent(q -> json.put("queue", new JsonObject().put("max", q.max())
            .put("timeoutMs", q.timeout().toMillis()).put("length", line == null ? 0 : line.length())
            .put("waited", line == null ? 0 : line.waited())));
        out.add(json);
      }
    });
    json(ctx, new JsonObject().put("pools", out));
  }

  private JsonObject pool(Pool pool, String balance) {
    JsonArray backends = new JsonArray();
    pool.backends().forEach(b -> backends.add(backend(pool.name(), b)));
    return new JsonObject().put("name", pool.name()).put("balance", balance).put("backends", backends)
        // Removed at runtime: they drain, and the file still lists them until it is saved.
        .put("removedAtRuntime", new JsonArray(runtime.removedAtRuntime(pool.name())))
        // Pool key discover: what is asked and whether lookups fail now (the last answer's backends stay then).
        .put("discover", runtime.discovery(pool.name()).map(AdminApi::discoveryJson).orElse(null));
  }

  private static JsonObject discoveryJson(DiscoveryStats d) {
    return new JsonObject()
        .put("question", d.question())
        .put("backends", d.backends())
        .put("lookups", d.lookups())
        .put("failures", d.failures())
        .put("lastAnswer", d.lastAnswer().map(Object::toString).orElse(null))
        .put("failingSince", d.failingSince().map(Object::toString).orElse(null))
        .put("lastError", d.lastError().orElse(null));
  }

  private JsonObject backend(String pool, Backend b) {
    JsonObject json = new JsonObject()
        .put("address", b.address().toString())
        // What the address is now: the literal, or a host name's latest answer (null until it has one).
        .put("ip", b.ip() == null ? null : b.ip().getHostAddress())
        .put("weight", b.weight())
        // What the operator changed at runtime ("weight 3 -> 0", "added"), kept until the file changes it or is saved.
        .put("runtime", runtime.runtimeChange(pool, b.address()).orElse(null))
        // Found in DNS by the pool's discover: the record it came from ("web.internal A"); null when listed.
        .put("discoveredFrom", runtime.discoveredFrom(pool, b.address()).orElse(null))
        .put("backup", b.isBackup())
        .put("maxConnections", b.settings().maxConnections())
        .put("state", word(b.state().name()))
        .put("adminState", word(b.adminState().name()))
        .put("checksPassing", b.checksPassing())
        .put("ejected", b.isEjected())
        .put("active", b.activeConnections())
        .put("total", b.totalConnections())
        .put("bytesSent", b.bytesSent())
        .put("bytesReceived", b.bytesReceived())
        // Pool key preconnect: connections waiting for a client, and clients that got one instead of a connect.
        .put("warm", runtime.warmCounts().idle(b))
        .put("warmUsed", runtime.warmCounts().used(b));
    Optional<CheckStats> checks = runtime.health().stats(pool, b.address());
    json.put("checks", checks.map(s -> new JsonObject().put("run", s.run()).put("failed", s.failed())).orElse(null));
    json.put("lastCheck", checks.flatMap(CheckStats::last).map(AdminApi::checkJson).orElse(null));
    JsonArray recent = new JsonArray();
    runtime.health().recentChecks(pool, b.address()).forEach(r -> recent.add(checkJson(r)));
    json.put("recentChecks", recent);
    return json;
  }

  private static JsonObject checkJson(CheckResult r) {
    return new JsonObject()
        .put("at", r.at().toString())
        .put("passed", r.passed())
        .put("detail", r.detail())
        // To the microsecond: a check on a LAN takes a millisecond or two, which whole milliseconds would hide.
        .put("tookMs", Math.round(r.took().toNanos() / 1_000.0) / 1_000.0);
  }

  /** Listing many thousands of connections takes a while: done on a worker, off the event loop. */
  void connections(RoutingContext ctx) {
    Optional<Integer> limit = limit(ctx);
    if (limit.isEmpty()) {
      return;
    }
    ctx.vertx().executeBlocking(() -> connectionsJson(ctx, limit.get()).toBuffer(), false).onComplete(done -> {
      if (done.failed()) {
        ApiErrors.send(ctx, 500, "listing connections failed: " + done.cause().getMessage());
      } else {
        ctx.response().putHeader("Content-Type", "application/json").end(done.result());
      }
    });
  }

  private JsonObject connectionsJson(RoutingContext ctx, int limit) {
    String listener = ctx.queryParams().get("listener");
    String pool = ctx.queryParams().get("pool");
    String backend = ctx.queryParams().get("backend");
    String client = ctx.queryParams().get("client");
    List<Connection> matching = runtime.connections().live().stream()
        .filter(c -> listener == null || c.listener().equals(listener))
        .filter(c -> pool == null || c.pool().equals(pool))
        .filter(c -> backend == null || (c.backend() != null
            && (c.backend().address().toString().equals(backend) || backend.equals(c.backendText()))))
        .filter(c -> client == null || c.clientText().startsWith(client))
        .toList();
    JsonArray out = new JsonArray();
    matching.stream().limit(limit).forEach(c -> out.add(connectionJson(c)));
    return new JsonObject().put("total", matching.size()).put("shown", out.size()).put("connections", out);
  }

  private static JsonObject connectionJson(Connection c) {
    long idle = c.idleMillis();
    long timeout = c.idleTimeoutMillis();
    return new JsonObject()
        .put("id", c.id())
        .put("protocol", c.protocol().name().toLowerCase(Locale.ROOT))
        .put("listener", c.listener())
        .put("localPort", c.localPort())
        .put("pool", c.pool())
        .put("client", c.clientText())
        .put("backend", c.backendText())
        .put("since", Instant.ofEpochMilli(c.startMillis()).toString())
        .put("ageMs", c.ageMillis())
        .put("idleMs", idle)
        // As netstat -M showed a masqueraded entry's expiry: what is left before the quiet time ends it.
        .put("idleTimeoutMs", timeout == 0 ? null : timeout)
        .put("expiresInMs", timeout == 0 ? null : Math.max(0, timeout - idle))
        .put("bytesFromClient", c.bytesFromClient())
        .put("bytesFromBackend", c.bytesFromBackend())
        .put("tls", c.tls() == null ? null : tlsJson(c.tls()));
  }

  /** What a terminated handshake settled: serverName, protocol, cipher, alpn, clientSubject (null when not sent). */
  static JsonObject tlsJson(TlsFacts t) {
    return new JsonObject().put("serverName", t.serverName()).put("protocol", t.protocol()).put("cipher", t.cipher())
        .put("alpn", t.alpn()).put("clientSubject", t.clientSubject());
  }

  private static Optional<Integer> limit(RoutingContext ctx) {
    String text = ctx.queryParams().get("limit");
    if (text == null) {
      return Optional.of(DEFAULT_LIMIT);
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX_LIMIT) {
        return Optional.of(n);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    ApiErrors.send(ctx, 400, "limit: \"" + text + "\" is not a number from 1 to " + MAX_LIMIT);
    return Optional.empty();
  }

  /** {@code GET /api/v1/history}: the last 15 minutes, optionally of one listener, pool or backend. */
  void history(RoutingContext ctx, TrafficHistory history) {
    json(ctx, history.toJson(ctx.queryParams().get("listener"), ctx.queryParams().get("pool"),
        ctx.queryParams().get("backend")));
  }

  /** {@code POST /api/v1/pools/:pool/backends/:address/:action}. */
  void backendAction(RoutingContext ctx) {
    if (!bodyIsJsonOrEmpty(ctx)) {
      return;
    }
    String poolName = ctx.pathParam("pool");
    String action = ctx.pathParam("action");
    AdminState target = switch (action) {
      case "drain" -> AdminState.DRAINING;
      case "enable" -> AdminState.ENABLED;
      case "disable" -> AdminState.DISABLED;
      default -> null;
    };
    if (target == null) {
      ApiErrors.send(ctx, 404, "\"" + action + "\" is not a backend action (use drain, enable or disable)");
      return;
    }
    Optional<Backend> found = PathBackend.find(ctx, runtime);
    if (found.isEmpty()) {
      return;
    }
    Backend backend = found.get();
    StateChange change = backend.admin(target);
    runtime.adminStateSet(poolName, backend.address(), target); // every other cluster member does the same
    LOG.atInfo().addKeyValue("pool", poolName).addKeyValue("backend", String.valueOf(backend))
        .addKeyValue("state", String.valueOf(change.to()))
        .log("pool {}: backend {} {} by the operator ({})", poolName, backend, change, action);
    json(ctx, new JsonObject().put("pool", poolName).put("backend", backend.address().toString())
        .put("previous", word(change.from().name())).put("state", word(change.to().name()))
        .put("adminState", word(backend.adminState().name())));
  }

  /** {@code GET /api/v1/cluster}: the group as this member sees it, or {@code {"enabled": false}} without a cluster. */
  void cluster(RoutingContext ctx) {
    Optional<ClusterStatus> cluster = runtime.cluster();
    if (cluster.isEmpty()) {
      json(ctx, new JsonObject().put("enabled", false));
      return;
    }
    ClusterStatus c = cluster.get();
    JsonArray members = new JsonArray();
    for (MemberStatus m : c.members()) {
      members.add(new JsonObject().put("id", m.info().id()).put("address", m.info().address())
          .put("version", m.info().version()).put("configHash", m.info().configHash())
          .put("startedAt", Instant.ofEpochMilli(m.info().startedAt()).toString())
          .put("lastContactMs", m.lastContactMillis()).put("lagMs", m.lagMillis())
          .put("self", m.self()).put("sameConfig", m.sameConfig()));
    }
    json(ctx, new JsonObject().put("enabled", true).put("name", c.name()).put("state", c.state())
        .put("since", c.since().toString()).put("message", c.message()).put("configMismatches", c.configMismatches())
        .put("members", members));
  }

  void reload(RoutingContext ctx) {
    if (!bodyIsJsonOrEmpty(ctx)) {
      return;
    }
    // Reading, validating and bind-checking the file is blocking work: never on the event loop.
    ctx.vertx().executeBlocking(runtime::reloadFromSource, false).compose(f -> f).onComplete(done -> {
      if (done.failed()) {
        ApiErrors.send(ctx, 409, "cannot reload: " + done.cause().getMessage());
      } else {
        ReloadResult r = done.result();
        ctx.response().setStatusCode(r.outcome() == ReloadResult.Outcome.INVALID
            || r.outcome() == ReloadResult.Outcome.FAILED ? 422 : 200);
        json(ctx, reloadJson(r));
      }
    });
  }

  void configStatus(RoutingContext ctx) {
    json(ctx, reloadJson(runtime.lastReload()).put("running", runtime.config().summary()));
  }

  private static JsonObject reloadJson(ReloadResult r) {
    return new JsonObject()
        .put("time", r.time().toString())
        .put("outcome", word(r.outcome().name()))
        .put("summary", r.summary())
        .put("errors", new JsonArray(r.errors()))
        .put("configHash", r.configHash());
  }

  /** Scraping reads every meter: done on a worker, so the event loop that also relays traffic never waits for it. */
  void metrics(RoutingContext ctx) {
    ctx.vertx().executeBlocking(() -> runtime.metrics().scrape(), false).onComplete(done -> {
      if (done.failed()) {
        ApiErrors.send(ctx, 500, "scrape failed: " + done.cause().getMessage());
      } else {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(done.result());
      }
    });
  }

  /** The POSTs take no options yet; a body, when sent, must still be JSON, so a client bug shows. */
  private static boolean bodyIsJsonOrEmpty(RoutingContext ctx) {
    String body = ctx.body() == null ? null : ctx.body().asString();
    if (body == null || body.isBlank()) {
      return true;
    }
    try {
      new JsonObject(body);
      return true;
    } catch (RuntimeException e) {
      ApiErrors.send(ctx, 400, "the body is not a JSON object: " + e.getMessage());
      return false;
    }
  }

  private static String word(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encodePrettily());
  }
}
