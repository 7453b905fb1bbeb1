package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * TLS passthrough with routing by server name: a TCP listener reads the client's ClientHello
 * (without terminating TLS) and picks the pool of the route whose {@code serverName} matches;
 * otherwise its own pool.
 *
 * @param timeout how long a ClientHello may take to arrive whole
 * @param closeNotTls a client whose first bytes are not TLS is closed; otherwise it goes to the
 *     listener's pool
 */
public record SniConfig(List<Route> routes, Duration timeout, boolean closeNotTls) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * One route: a server name, exact ({@code www.example.com}) or wildcard ({@code *.example.com},
   * any depth), an ALPN protocol ({@code h2}), the common name of the client's verified
   * certificate (on a listener that terminates TLS), or several of them; null for what it does
   * not match on.
   */
  public record Route(String serverName, String alpn, String clientCn, String pool) {
    public Route {
      serverName = serverName == null ? null : serverName.toLowerCase(Locale.ROOT);
      requireNonNull(pool, "pool");
      if (serverName == null && alpn == null && clientCn == null) {
        throw new IllegalArgumentException("a route matches a server name, an ALPN protocol or a client certificate");
      }
    }

    public Route(String serverName, String alpn, String pool) {
      this(serverName, alpn, null, pool);
    }

    public Route(String serverName, String pool) {
      this(serverName, null, null, pool);
    }

    boolean isWildcard() {
      return serverName != null && serverName.startsWith("*.");
    }

    boolean matches(String name, Collection<String> protocols, String cn) {
      boolean nameMatches = serverName == null
          || (name != null && (isWildcard() ? name.endsWith(serverName.substring(1)) : name.equals(serverName)));
      return nameMatches && (alpn == null || protocols.contains(alpn)) && (clientCn == null || clientCn.equals(cn));
    }

    /**
     * Which of several matching routes wins: an exact name over a longer wildcard over a shorter
     * one over none; among those, one that also matches the client certificate, then the protocol.
     */
    int specificity() {
      int name = serverName == null ? 0 : isWildcard() ? serverName.length() : 1000;
      return name * 4 + (clientCn == null ? 0 : 2) + (alpn == null ? 0 : 1);
    }
  }

  public SniConfig {
    routes = List.copyOf(routes);
    requireNonNull(timeout, "timeout");
  }

  /** The pool for a server name: an exact route first, then the longest wildcard; empty when none matches. */
  public Optional<String> poolFor(String serverName) {
    return poolFor(serverName, List.of());
  }

  /**
   * The pool for a client's server name and ALPN protocols (the one negotiated when TLS is
   * terminated here, the ones offered in the ClientHello otherwise): the most specific matching
   * route, the first of equals; empty when none matches.
   */
  public Optional<String> poolFor(String serverName, Collection<String> alpn) {
    return poolFor(serverName, alpn, null);
  }

  /** As {@link #poolFor(String, Collection)}, with the common name of the client's verified certificate (null: none). */
  public Optional<String> poolFor(String serverName, Collection<String> alpn, String clientCn) {
    String name = serverName == null ? null : serverName.toLowerCase(Locale.ROOT);
    Route best = null;
    for (Route r : routes) {
      if (r.matches(name, alpn, clientCn) && (best == null || r.specificity() > best.specificity())) {
        best = r;
      }
    }
    return Optional.ofNullable(best).map(Route::pool);
  }

  /** Whether any route matches on ALPN: the ClientHello's ALPN list is read only then. */
  public boolean routesByAlpn() {
    return routes.stream().anyMatch(r -> r.alpn() != null);
  }
}
