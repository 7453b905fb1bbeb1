package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
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

  /** One route: an exact name ({@code www.example.com}) or a wildcard ({@code *.example.com}, any depth). */
  public record Route(String serverName, String pool) {
    public Route {
      serverName = requireNonNull(serverName, "serverName").toLowerCase(Locale.ROOT);
      requireNonNull(pool, "pool");
    }

    boolean isWildcard() {
      return serverName.startsWith("*.");
    }

    boolean matches(String name) {
      return isWildcard() ? name.endsWith(serverName.substring(1)) : name.equals(serverName);
    }
  }

  public SniConfig {
    routes = List.copyOf(routes);
    requireNonNull(timeout, "timeout");
  }

  /** The pool for a server name: an exact route first, then the longest wildcard; empty when none matches. */
  public Optional<String> poolFor(String serverName) {
    if (serverName == null) {
      return Optional.empty();
    }
    String name = serverName.toLowerCase(Locale.ROOT);
    Optional<Route> exact = routes.stream().filter(r -> !r.isWildcard() && r.matches(name)).findFirst();
    if (exact.isPresent()) {
      return exact.map(Route::pool);
    }
    return routes.stream().filter(r -> r.isWildcard() && r.matches(name))
        .max((a, b) -> Integer.compare(a.serverName().length(), b.serverName().length())).map(Route::pool);
  }
}
