package io.portfw.core.admin;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.core.runtime.RuntimeView;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The backend a request path names ({@code /api/v1/pools/{pool}/backends/{address}...}), found in
 * the pool as it runs; {@code {address}} as written in the config, plain or URL-encoded.
 */
final class PathBackend {

  private PathBackend() {}

  /** The backend, or empty after answering 404 with what the pool has. */
  static Optional<Backend> find(RoutingContext ctx, RuntimeView runtime) {
    String poolName = ctx.pathParam("pool");
    String address = URLDecoder.decode(ctx.pathParam("address"), StandardCharsets.UTF_8);
    Pool pool = runtime.pool(poolName);
    if (pool == null) {
      ApiErrors.send(ctx, 404, "no pool named \"" + poolName + "\"");
      return Optional.empty();
    }
    Optional<Backend> found = pool.backends().stream().filter(b -> b.address().toString().equals(address)).findFirst();
    if (found.isEmpty()) {
      ApiErrors.send(ctx, 404, "pool " + poolName + " has no backend " + address + " (it has: "
          + pool.backends().stream().map(b -> b.address().toString()).collect(Collectors.joining(", ")) + ")");
    }
    return found;
  }
}
