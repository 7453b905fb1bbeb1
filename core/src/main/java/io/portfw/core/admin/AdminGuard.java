package io.portfw.core.admin;

import io.netty.util.NetUtil;
import io.portfw.config.AdminConfig;
import io.portfw.config.Hosts;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;

/**
 * Keeps web pages from driving the admin endpoint through a browser. A POST must say it carries
 * JSON (a cross-site form or a plain-text fetch cannot, without the server's leave), and a request
 * sent from a page of another origin is refused. Without a token, the {@code Host} must be an IP
 * address or {@code localhost}, so a DNS-rebinding page under its own name cannot read the API.
 */
final class AdminGuard implements Handler<RoutingContext> {

  private final boolean tokenSet;

  AdminGuard(AdminConfig config) {
    this.tokenSet = config.token().isPresent();
  }

  @Override
  public void handle(RoutingContext ctx) {
    var request = ctx.request();
    // Vert.x takes the Host header apart into the request's authority.
    var authority = request.authority();
    String host = authority == null ? null
        : Hosts.bracketed(authority.host())
            + (authority.port() > 0 ? ":" + authority.port() : "");
    if (!tokenSet && (authority == null || !isAddressOrLocalhost(authority.host()))) {
      ApiErrors.send(ctx, 403, "Host " + host + " is not this admin endpoint's address (use its IP address)");
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !origin.equals("null") && !sameOrigin(origin, host)) {
      ApiErrors.send(ctx, 403, "requests from pages of " + origin + " are not accepted");
      return;
    }
    if (request.method() == HttpMethod.POST) {
      String type = request.getHeader("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        ApiErrors.send(ctx, 415, "a POST must be sent with Content-Type: application/json (its body may be empty)");
        return;
      }
    }
    ctx.next();
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
