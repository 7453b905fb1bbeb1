package io.portfw.core.admin;

import io.netty.util.NetUtil;
import io.portfw.config.AdminConfig;
import io.portfw.config.Hosts;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The first judge of every admin request, in this order:
 * <ol>
 *   <li>With a token configured, every request but {@code /healthz}, the dashboard page and its files
 *       ({@code /assets/}) needs
 *       it before anything else is looked at: an unauthenticated caller learns nothing about the
 *       API from the answer.
 *   <li>Without a token, the {@code Host} must be an IP address or {@code localhost}, so a
 *       DNS-rebinding page under its own name cannot read the API.
 *   <li>A request sent by a page of another site is refused ({@code Origin}, or
 *       {@code Sec-Fetch-Site} saying cross-site or same-site).
 *   <li>A POST with a body must say it carries JSON: a cross-site form or a plain-text fetch
 *       cannot, without the server's leave. A POST without a body is what {@code curl -X POST}
 *       sends: it is accepted when it carries the right token (a browser cannot add one to a
 *       forged request) or, without a token, when it has no {@code Content-Type} either (every
 *       form has one).
 *   <li>A path or query with a broken percent-encoding is a 400 that says where.
 * </ol>
 */
final class AdminGuard implements Handler<HttpServerRequest> {

  private final Optional<BearerAuth> auth;
  private final Handler<HttpServerRequest> next;

  /** Judges each request, then hands what passes to {@code next} (the router, which would answer a broken path with a 500). */
  AdminGuard(AdminConfig config, Handler<HttpServerRequest> next) {
    this.auth = config.token().map(BearerAuth::new);
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    boolean tokenShown = false;
    if (auth.isPresent() && isProtected(request.path())) {
      if (!auth.get().allows(request)) {
        return;
      }
      tokenShown = true;
    }
    // Vert.x takes the Host header apart into the request's authority.
    var authority = request.authority();
    String host = authority == null ? null
        : Hosts.bracketed(authority.host()) + (authority.port() > 0 ? ":" + authority.port() : "");
    if (auth.isEmpty() && (authority == null || !isAddressOrLocalhost(authority.host()))) {
      ApiErrors.send(request.response(), 403, "Host " + host + " is not this admin endpoint's address (use its IP address)");
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !origin.equals("null") && !sameOrigin(origin, host)) {
      ApiErrors.send(request.response(), 403, "requests from pages of " + origin + " are not accepted");
      return;
    }
    String fetchSite = request.getHeader("Sec-Fetch-Site");
    if (!tokenShown && fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin")
        && !fetchSite.equalsIgnoreCase("none")) {
      ApiErrors.send(request.response(), 403, "requests from pages of other sites are not accepted (Sec-Fetch-Site: " + fetchSite + ")");
      return;
    }
    if (request.method() == HttpMethod.POST && !acceptedBody(request, tokenShown)) {
      ApiErrors.send(request.response(), 415, "a POST with a body must be sent with Content-Type: application/json");
      return;
    }
    Optional<String> broken = PercentEncoding.firstError(request.uri());
    if (broken.isPresent()) {
      ApiErrors.send(request.response(), 400, broken.get());
      return;
    }
    next.handle(request);
  }

  /** All but the pages and files that hold no data: the token is asked for before the path is even looked at. */
  private static boolean isProtected(String path) {
    return !path.equals("/healthz") && !path.equals("/") && !path.startsWith(Dashboard.ASSETS);
  }

  private static boolean acceptedBody(HttpServerRequest request, boolean tokenShown) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return true;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean bodiless = request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null
        && (length == null || length.strip().equals("0"));
    return bodiless && (tokenShown || type == null);
  }

  private static boolean sameOrigin(String origin, String host) {
    try {
      URI uri = URI.create(origin);
      return host != null && uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isAddressOrLocalhost(String host) {
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.equalsIgnoreCase("localhost") || NetUtil.isValidIpV4Address(host)
        || NetUtil.isValidIpV6Address(host);
  }
}
