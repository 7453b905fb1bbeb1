package io.portfw.core.admin;

import io.portfw.config.AdminConfig;
import io.portfw.config.Hosts;
import io.portfw.core.listener.BindCheck;
import io.portfw.core.runtime.RuntimeView;
import io.portfw.core.tls.ServerTls;
import io.portfw.core.tls.TlsFileException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint on {@code admin.listen}: the JSON API under {@code /api/v1}, Prometheus
 * metrics at {@code /metrics}, the dashboard at {@code /} and {@code /healthz} for probes.
 * With {@code admin.token} set, every request but {@code /healthz}, the dashboard page and its files
 * (which hold no data: the page asks the API, with the token, for everything it shows) needs
 * {@code Authorization: Bearer <token>}. A timer samples the {@link TrafficHistory} the charts show.
 */
public final class AdminServer {

  private final HttpServer server;
  private final String host;
  private final Vertx vertx;
  private final long sampler;

  private AdminServer(HttpServer server, String host, Vertx vertx, long sampler) {
    this.server = server;
    this.host = host;
    this.vertx = vertx;
    this.sampler = sampler;
  }

  /**
   * Listens for the admin API. The socket allows SO_REUSEPORT, so that a process taking this one
   * over can listen beside it; {@code sharing} says this one takes over, else a port already
   * taken (by another portfw, say) is refused as a plain bind would.
   */
  public static Future<AdminServer> start(Vertx vertx, AdminConfig config, RuntimeView runtime, boolean sharing) {
    if (config.token().isEmpty() && !Hosts.isLoopback(config.listen().host())) {
      // The config loader refuses this too; checked here as well for configs made in code (demo --admin).
      return Future.failedFuture(new IllegalStateException("admin: " + config.listen()
          + " is not a loopback address, so the admin endpoint needs a token (admin.token)"));
    }
    TrafficHistory history = new TrafficHistory(runtime);
    Router router = router(vertx, config, runtime, history);
    String host = config.listen().host();
    int port = config.listen().firstPort();
    if (!sharing && port != 0) {
      try {
        BindCheck.tryBindTcp(InetAddress.getByName(host), port);
      } catch (IOException e) {
        return Future.failedFuture(new IllegalStateException(
            "admin: cannot listen on " + config.listen() + ": " + e.getMessage(), e));
      }
    }
    HttpServerOptions options = new HttpServerOptions().setIdleTimeout(60).setReusePort(true);
    if (config.tls().isPresent()) {
      try {
        AdminTls.apply(ServerTls.load(config.tls().get()), options);
      } catch (TlsFileException e) {
        return Future.failedFuture(new IllegalStateException("admin.tls: " + e.getMessage(), e));
      }
    }
    String scheme = config.tls().isPresent() ? "https" : "http";
    return vertx.createHttpServer(options)
        .requestHandler(new AdminGuard(config, router))
        .listen(port, host)
        .map(server -> {
          // The first sample at once: the next one already has a rate to show.
          history.sample(System.currentTimeMillis());
          long sampler = vertx.setPeriodic(TrafficHistory.INTERVAL.toMillis(),
              id -> history.sample(System.currentTimeMillis()));
          LoggerFactory.getLogger(AdminServer.class).info("admin: {}://{}:{}/ (API /api/v1, /metrics, dashboard)",
              scheme, Hosts.bracketed(host), server.actualPort());
          return new AdminServer(server, host, vertx, sampler);
        })
        .recover(cause -> Future.failedFuture(new IllegalStateException(
            "admin: cannot listen on " + config.listen() + ": " + cause.getMessage(), cause)));
  }

  static Router router(Vertx vertx, AdminConfig config, RuntimeView runtime, TrafficHistory history) {
    AdminApi api = new AdminApi(runtime);
    Dashboard dashboard = Dashboard.load();
    OpenApiDocument openApi = OpenApiDocument.load();
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "ok").encode()));
    router.get("/").handler(dashboard::serve);
    router.get(Dashboard.ASSETS + "*").handler(dashboard::serveAsset);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(64 * 1024); // no file uploads, ever
    // While a take-over moves the state to a new process, a change made here would be lost: refused, with why.
    router.route().handler(ctx -> {
      Optional<String> frozen = runtime.frozen();
      HttpMethod method = ctx.request().method();
      if (frozen.isPresent() && method != HttpMethod.GET && method != HttpMethod.HEAD) {
        ApiErrors.send(ctx, 503, frozen.get());
      } else {
        ctx.next();
      }
    });
    router.get("/metrics").handler(api::metrics);
    router.get("/api/v1/listeners").handler(api::listeners);
    router.get("/api/v1/pools").handler(api::pools);
    router.get("/api/v1/connections").handler(api::connections);
    router.get("/api/v1/cluster").handler(api::cluster);
    RuntimeControl control = new RuntimeControl(runtime);
    router.post("/api/v1/pools/:pool/backends/:address/weight").handler(body).handler(control::weight);
    router.post("/api/v1/pools/:pool/backends").handler(body).handler(control::add);
    router.delete("/api/v1/pools/:pool/backends/:address").handler(control::remove);
    router.delete("/api/v1/connections/:id").handler(control::kill);
    router.post("/api/v1/config/save").handler(body).handler(control::save);
    router.post("/api/v1/pools/:pool/backends/:address/:action").handler(body).handler(api::backendAction);
    router.post("/api/v1/reload").handler(body).handler(api::reload);
    router.get("/api/v1/config/status").handler(api::configStatus);
    router.get("/api/v1/history").handler(ctx -> api.history(ctx, history));
    router.get("/api/v1/openapi.yaml").handler(openApi::serve);
    router.errorHandler(404, ctx -> ApiErrors.send(ctx, 404, "no such endpoint: " + ctx.request().method() + " "
        + ctx.request().path()));
    router.errorHandler(405, ctx -> ApiErrors.send(ctx, 405, ctx.request().method() + " is not allowed on "
        + ctx.request().path()));
    router.errorHandler(400, ctx -> ApiErrors.send(ctx, 400, "bad request"
        + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage())));
    router.errorHandler(413, ctx -> ApiErrors.send(ctx, 413, "the body is larger than 64 KiB"));
    router.errorHandler(500, ctx -> ApiErrors.send(ctx, 500, "internal error"
        + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage())));
    return router;
  }

  /** Stops listening (a process that took this one over answers now); requests under way finish. */
  public Future<Void> close() {
    vertx.cancelTimer(sampler);
    return server.close();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, server.actualPort());
  }
}
