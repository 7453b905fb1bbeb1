package io.portfw.core.admin;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.ConfigError;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.runtime.RuntimeView;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's runtime changes: a backend's weight set, a backend added to or removed from a
 * pool, a live connection or UDP session closed, the running state saved into the config file.
 * Every request is checked whole before anything changes, answers with the new state, and is
 * logged with the admin client's address.
 */
final class RuntimeControl {

  private static final Logger LOG = LoggerFactory.getLogger(RuntimeControl.class);

  private final RuntimeView runtime;

  RuntimeControl(RuntimeView runtime) {
    this.runtime = runtime;
  }

  /** {@code POST /api/v1/pools/{pool}/backends/{address}/weight} with {@code {"weight": N}}. */
  void weight(RoutingContext ctx) {
    Optional<Backend> backend = PathBackend.find(ctx, runtime);
    if (backend.isEmpty() || discovered(ctx, backend.get(), "weight")) {
      return;
    }
    JsonObject body = body(ctx, "{\"weight\": 0..256}");
    if (body == null) {
      return;
    }
    Object value = body.getValue("weight");
    if (!(value instanceof Integer || value instanceof Long) || body.size() != 1) {
      ApiErrors.send(ctx, 400, "the body must be {\"weight\": N} with a whole number N from 0 to "
          + BackendConfig.MAX_WEIGHT);
      return;
    }
    long weight = ((Number) value).longValue();
    if (weight < 0 || weight > BackendConfig.MAX_WEIGHT) {
      ApiErrors.send(ctx, 400, "weight " + weight + " is out of range 0-" + BackendConfig.MAX_WEIGHT);
      return;
    }
    Backend b = backend.get();
    String pool = ctx.pathParam("pool");
    int previous = b.weight();
    // Everything but the weight as the backend runs now, its source address included.
    BackendConfig wanted = new BackendConfig(b.address(), (int) weight, b.isBackup(), b.settings().maxConnections(),
        runtime.backendConfig(pool, b.address()).flatMap(BackendConfig::source));
    apply(ctx, pool, b.address(), Optional.of(wanted), "weight " + previous + " -> " + weight,
        () -> new JsonObject().put("pool", pool).put("backend", b.address().toString()).put("previousWeight", previous)
            .put("weight", runtime.pool(pool).backends().stream().filter(x -> x.address().equals(b.address()))
                .findFirst().map(Backend::weight).orElse((int) weight))
            .put("runtime", true));
  }

  /** {@code POST /api/v1/pools/{pool}/backends} with a backend object as the config has it. */
  void add(RoutingContext ctx) {
    String pool = ctx.pathParam("pool");
    Pool running = runtime.pool(pool);
    if (running == null) {
      ApiErrors.send(ctx, 404, "no pool named \"" + pool + "\"");
      return;
    }
    String text = ctx.body() == null ? "" : ctx.body().asString();
    BackendConfig backend;
    try {
      backend = ConfigLoader.parseBackend(text == null || text.isBlank() ? "null" : text, "the backend");
    } catch (ConfigException e) {
      ApiErrors.send(ctx, 400, "not a backend: " + e.errors().stream().map(ConfigError::toString)
          .collect(Collectors.joining("; ")) + " (expected e.g. {\"address\": \"10.0.0.2:80\", \"weight\": 1})");
      return;
    }
    if (running.backends().stream().anyMatch(b -> b.address().equals(backend.address()))) {
      ApiErrors.send(ctx, 409, "pool " + pool + " has a backend " + backend.address() + " already");
      return;
    }
    apply(ctx, pool, backend.address(), Optional.of(backend), "added",
        () -> new JsonObject().put("pool", pool).put("backend", backend.address().toString())
            .put("weight", backend.weight()).put("backup", backend.backup())
            .put("maxConnections", backend.maxConnections()).put("runtime", true));
  }

  /** {@code DELETE /api/v1/pools/{pool}/backends/{address}}: it drains, nothing new goes to it. */
  void remove(RoutingContext ctx) {
    Optional<Backend> backend = PathBackend.find(ctx, runtime);
    if (backend.isEmpty() || discovered(ctx, backend.get(), "removal")) {
      return;
    }
    String pool = ctx.pathParam("pool");
    Backend b = backend.get();
    if (runtime.pool(pool).backends().size() == 1) {
      ApiErrors.send(ctx, 409, "backend " + b.address() + " is the last of pool " + pool
          + ": a pool needs at least one backend (drain or disable it instead)");
      return;
    }
    apply(ctx, pool, b.address(), Optional.empty(), "removed",
        () -> new JsonObject().put("pool", pool).put("backend", b.address().toString()).put("state", "removed")
            .put("active", b.activeConnections()).put("runtime", true));
  }

  /**
   * A backend found in DNS follows its records: a weight or a removal laid over it would outlast them,
   * so it is refused (409) with what to do instead; true when refused.
   */
  private boolean discovered(RoutingContext ctx, Backend b, String change) {
    Optional<String> record = runtime.discoveredFrom(ctx.pathParam("pool"), b.address());
    record.ifPresent(r -> ApiErrors.send(ctx, 409, "backend " + b.address() + " was found in DNS (" + r
        + "): no runtime " + change + " for it; change the DNS records, or drain or disable it"));
    return record.isPresent();
  }

  /** {@code DELETE /api/v1/connections/{id}}: closes a live connection or UDP session. */
  void kill(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    long number;
    try {
      number = Long.parseLong(id);
    } catch (NumberFormatException e) {
      ApiErrors.send(ctx, 400, "\"" + id + "\" is not a connection id (the numbers GET /api/v1/connections lists)");
      return;
    }
    Connection c = runtime.connections().find(number);
    if (c == null) {
      ApiErrors.send(ctx, 404, "no live connection " + number + " (it may have ended)");
      return;
    }
    c.kill();
    LOG.info("connection {} ({} {} -> {}) closed by the operator at {}", number, c.protocol(), c.clientText(),
        c.backendText(), who(ctx));
    json(ctx, new JsonObject().put("id", number).put("client", c.clientText()).put("listener", c.listener())
        .put("state", "closed"));
  }

  /** {@code POST /api/v1/config/save}: the running state written into the config file. */
  void save(RoutingContext ctx) {
    runtime.saveConfig(who(ctx)).onComplete(done -> {
      if (done.failed()) {
        ApiErrors.send(ctx, 409, "cannot save: " + done.cause().getMessage());
      } else {
        json(ctx, new JsonObject().put("saved", done.result()));
      }
    });
  }

  private void apply(RoutingContext ctx, String pool, BackendAddress address, Optional<BackendConfig> wanted,
      String what, Supplier<JsonObject> answer) {
    runtime.changeBackend(pool, address, wanted, what, who(ctx)).onComplete(done -> {
      if (done.failed()) {
        ApiErrors.send(ctx, 409, "cannot apply: " + done.cause().getMessage());
        return;
      }
      ReloadResult r = done.result();
      if (r.outcome() == ReloadResult.Outcome.FAILED || r.outcome() == ReloadResult.Outcome.INVALID) {
        ApiErrors.send(ctx, 422, "not applied: " + String.join("; ", r.errors()));
        return;
      }
      json(ctx, answer.get());
    });
  }

  /** The body as a JSON object, or null after answering 400. */
  private static JsonObject body(RoutingContext ctx, String expected) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    try {
      JsonObject body = text == null || text.isBlank() ? null : new JsonObject(text);
      if (body != null) {
        return body;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    ApiErrors.send(ctx, 400, "the body must be a JSON object: " + expected);
    return null;
  }

  private static String who(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "(unknown)" : remote.hostAddress() + ":" + remote.port();
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encodePrettily());
  }
}
