package io.portfw.core;

import io.netty.channel.Channel;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.internal.net.NetSocketInternal;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a backend for a new client: picks one from the pool, connects with the listener's
 * connect timeout and, when that fails, tries another not yet tried, up to the pool's retry
 * limit. Keeps each backend's active count exact: one acquire for every connection attempt,
 * one release for every failed connect or closed backend channel.
 *
 * <p>Runs on the listener instance's event loop; the client's NetClient is bound to it.
 */
final class BackendConnector {

  private static final Logger LOG = LoggerFactory.getLogger(BackendConnector.class);

  private final NetClient netClient;
  private final ListenerCounters counters;
  private final ConnectObserver observer;

  BackendConnector(NetClient netClient, ListenerCounters counters, ConnectObserver observer) {
    this.netClient = netClient;
    this.counters = counters;
    this.observer = observer;
  }

  /** Finds this client a backend of {@code pool}, each attempt allowed {@code connectTimeout}. */
  void connect(Relay relay, ClientContext client, Pool pool, Duration connectTimeout) {
    int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    attempt(relay, client, pool, timeout, new HashSet<>(), 0);
  }

  private void attempt(Relay relay, ClientContext client, Pool pool, int timeout, Set<Backend> tried, int failures) {
    if (!relay.isOpen()) {
      return;
    }
    Backend backend = pool.balancer().pick(client, tried);
    if (backend == null) {
      refuse(relay, client, pool, failures > 0 ? Refusal.CONNECT_FAILED
          : pool.allUsableFull() ? Refusal.BACKENDS_FULL : Refusal.NO_BACKEND);
      return;
    }
    tried.add(backend);
    if (!backend.tryAcquire()) {
      // Another event loop took its last free slot since the pick: not a failure, pick again.
      attempt(relay, client, pool, timeout, tried, failures);
      return;
    }
    ConnectOptions target = new ConnectOptions()
        .setHost(backend.address().host())
        .setPort(backend.address().portFor(client.localPort()))
        .setTimeout(timeout);
    long started = System.nanoTime();
    netClient.connect(target).onComplete(connected -> {
      if (connected.succeeded()) {
        observer.connected(pool.name(), backend, System.nanoTime() - started);
        join(relay, backend, pool, connected.result(), System.nanoTime());
        return;
      }
      backend.release();
      observer.failed(pool.name(), backend, ConnectError.of(connected.cause()));
      pool.outcomes().connectFailed(backend, connected.cause());
      LOG.debug("{}: connect to {} failed: {}", client.listener(), backend, connected.cause().getMessage());
      if (failures < pool.retries()) {
        attempt(relay, client, pool, timeout, tried, failures + 1);
      } else {
        refuse(relay, client, pool, Refusal.CONNECT_FAILED);
      }
    });
  }

  private void refuse(Relay relay, ClientContext client, Pool pool, Refusal reason) {
    refuse(relay, client, reason, pool.name());
  }

  void refuse(Relay relay, ClientContext client, Refusal reason, String pool) {
    counters.refused(reason);
    long unlogged = counters.refusalToLog();
    if (unlogged >= 0) {
      LOG.info("listener {}: refused {} ({}){}", client.listener(), client.source().getAddress().getHostAddress(),
          reason.word(), unlogged > 0 ? "; " + unlogged + " more refused since the last such line" : "");
    }
    relay.refuse(reason);
  }

  private static void join(Relay relay, Backend backend, Pool pool, NetSocket socket, long connectedNanos) {
    Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
    channel.closeFuture().addListener(closed -> {
      backend.release();
      pool.outcomes().ended(backend, relay.backendFailed(), connectedNanos);
    });
    pool.proxyProtocol().ifPresent(version -> ProxyHeader.write(channel, version, relay.clientAddress(), relay.localAddress()));
    relay.attach(channel, backend);
  }
}
