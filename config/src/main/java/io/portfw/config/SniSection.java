package io.portfw.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a listener's routing by TLS server name: its {@code routes}, {@code sniTimeout} and
 * {@code notTls} keys, which sit in the listener's own object.
 */
final class SniSection {

  /** A server name as a certificate or a route names it: exact, or {@code *.} for every name under a domain. */
  static final Pattern SERVER_NAME =
      Pattern.compile("(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  /** What to do with a client that sends no TLS hello: true to close it, false to send it to the listener's pool. */
  private static final Words<Boolean> NOT_TLS = Words.of("what to do with a client that is not TLS", Words.Listing.QUOTED,
      Map.entry("pool", false), Map.entry("close", true));

  private final Problems problems;
  private final CrossChecks cross;

  SniSection(Problems problems, CrossChecks cross) {
    this.problems = problems;
    this.cross = cross;
  }

  /** The listener's SNI settings; empty when it has no {@code routes}. */
  Optional<SniConfig> read(JsonObjectReader r, Protocol protocol) {
    if (!r.has("routes")) {
      r.misplaced("applies only with \"routes\" (routing by TLS server name)", "sniTimeout", "notTls");
      return Optional.empty();
    }
    if (protocol == Protocol.UDP) {
      problems.add(r.pathOf("routes"), "applies to tcp listeners only");
    }
    List<SniConfig.Route> routes = new ArrayList<>();
    for (JsonObjectReader.Element e : r.array("routes", true)) {
      JsonObjectReader route = new JsonObjectReader(e.node(), e.path(), problems);
      Optional<String> serverName = route.string("serverName", false);
      Optional<String> alpn = route.string("alpn", false);
      Optional<String> clientCn = route.string("clientCn", false);
      Optional<String> pool = route.string("pool", true);
      pool.ifPresent(p -> cross.poolReference(p, route.pathOf("pool")));
      serverName.filter(n -> !SERVER_NAME.matcher(n).matches()).ifPresent(n -> problems.add(route.pathOf("serverName"),
          "\"" + n + "\" is not a server name (e.g. www.example.com, or *.example.com for every name under it)"));
      if (serverName.isEmpty() && alpn.isEmpty() && clientCn.isEmpty() && !route.has("serverName") && !route.has("alpn")
          && !route.has("clientCn")) {
        problems.add(route.pathOf("serverName"), "is required, or \"alpn\" (a route matches a server name, an ALPN"
            + " protocol such as h2, or both)");
      }
      route.rejectUnknownKeys();
      if ((serverName.isPresent() || alpn.isPresent() || clientCn.isPresent()) && pool.isPresent()) {
        routes.add(new SniConfig.Route(serverName.orElse(null), alpn.orElse(null), clientCn.orElse(null), pool.get()));
      }
    }
    Duration timeout = r.duration("sniTimeout", SniConfig.DEFAULT_TIMEOUT);
    String notTls = r.string("notTls", false).orElse("pool");
    boolean close = NOT_TLS.read(notTls, r.pathOf("notTls"), problems).orElse(false);
    return Optional.of(new SniConfig(routes, timeout, close));
  }
}
