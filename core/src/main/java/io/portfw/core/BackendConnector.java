package io.portfw.core;

import io.netty.channel.Channel;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.internal.net.NetSocketInternal;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a backend for a new client: picks one from the pool, connects with the listener's
 * connect timeout and, when that fails, tries another not yet tried, up to the pool's retry
 * limit. Keeps each backend's active count exact: one open for every pick, one close for
 * every failed connect or closed backend channel.
 *
 * <p>Runs on the listener instance's event loop; the client's NetClient is bound to it.
 */
final class BackendConnector {

  private static final Logger LOG = LoggerFactory.getLogger(BackendConnector.class);

  private final NetClient netClient;
  private final Supplier<Pool> pool;

  BackendConnector(NetClient netClient, Supplier<Pool> pool) {
    this.netClient = netClient;
    this.pool = pool;
  }

  void connect(Relay relay, ClientContext client) {
    attempt(relay, client, pool.get(), new HashSet<>());
  }

  private void attempt(Relay relay, ClientContext client, Pool pool, Set<Backend> tried) {
    if (!relay.isOpen()) {
      return;
    }
    Backend backend = pool.balancer().pick(client, tried);
    if (backend == null) {
      LOG.debug("{}: no backend of pool {} can take {} (tried {})",
          client.listener(), pool.name(), client.source(), tried);
      relay.close();
      return;
    }
    tried.add(backend);
    backend.connectionOpened();
    int port = backend.address().portFor(client.localPort());
    netClient.connect(port, backend.address().host()).onComplete(connected -> {
      if (connected.succeeded()) {
        join(relay, backend, connected.result());
        return;
      }
      backend.connectionClosed();
      LOG.debug("{}: connect to {} failed: {}", client.listener(), backend, connected.cause().getMessage());
      if (tried.size() <= pool.retries()) {
        attempt(relay, client, pool, tried);
      } else {
        relay.close();
      }
    });
  }

  private static void join(Relay relay, Backend backend, NetSocket socket) {
    Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
    channel.closeFuture().addListener(closed -> backend.connectionClosed());
    if (!relay.attach(channel)) {
      channel.close();
    }
  }
}
