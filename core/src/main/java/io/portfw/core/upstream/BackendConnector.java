package io.portfw.core.upstream;

import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.SocketOptions;
import io.portfw.core.observe.ConnectError;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.Refusal;
import io.portfw.core.relay.Relay;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.config.ListenerConfig;
import io.portfw.config.SocketConfig;
import io.vertx.core.spi.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a backend for a new client: picks one from the pool, connects with the listener's
 * connect timeout and, when that fails, tries another not yet tried, up to the pool's retry
 * limit. Keeps each backend's active count exact: one acquire for every connection attempt,
 * one release for every failed connect or closed backend channel.
 *
 * <p>The backend socket is made on the client's event loop, so both live on one thread.
 */
public final class BackendConnector {

  private static final Logger LOG = LoggerFactory.getLogger(BackendConnector.class);

  private final Transport transport;
  private final EventLoop loop;
  private final LiveListener live;
  private final ConnectObserver observer;
  private final WarmPools warm;
  /** Rebuilt when a reload changes the listener's socket options or connect timeout. */
  private volatile Template template;

  private record Template(SocketConfig socket, Duration connectTimeout, Bootstrap bootstrap) {}

  public BackendConnector(Transport transport, EventLoop loop, LiveListener live, ConnectObserver observer, WarmPools warm) {
    this.transport = transport;
    this.loop = loop;
    this.live = live;
    this.observer = observer;
    this.warm = warm;
  }

  /** Finds this client a backend of {@code pool}, each attempt allowed the listener's connect timeout. */
  public void connect(Relay relay, ClientContext client, Pool pool, ListenerConfig listener) {
    Bootstrap bootstrap = bootstrap(listener);
    EventLoop clientLoop = relay.clientChannel().eventLoop();
    if (clientLoop != loop) {
      bootstrap = bootstrap.clone(clientLoop); // the NIO fallback: one acceptor hands clients to every loop
    }
    attempt(relay, client, pool, bootstrap, new HashSet<>(), 0);
  }

  private Bootstrap bootstrap(ListenerConfig listener) {
    Template t = template;
    if (t == null || !t.socket().equals(listener.socket()) || !t.connectTimeout().equals(listener.timeouts().connect())) {
      int timeout = (int) Math.min(Integer.MAX_VALUE, listener.timeouts().connect().toMillis());
      SocketConfig socket = listener.socket();
      Bootstrap b = SocketOptions.apply(new Bootstrap()
          .group(loop)
          .channelFactory(transport.channelFactory(false))
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
          // Reading starts when the relay joins the socket to its client.
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .handler(NoHandler.INSTANCE), socket);
      t = new Template(socket, listener.timeouts().connect(), b);
      template = t;
    }
    return t.bootstrap();
  }

  private void attempt(Relay relay, ClientContext client, Pool pool, Bootstrap bootstrap, Set<Backend> tried,
      int failures) {
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
      attempt(relay, client, pool, bootstrap, tried, failures);
      return;
    }
    WarmPool ready = warm.on(relay.clientChannel().eventLoop());
    WarmConnection warmed = ready == null ? null : ready.take(backend);
    if (warmed != null) {
      List<Object> alreadySent = warmed.handOver();
      SocketOptions.apply(warmed.channel().config(), live.config().socket());
      join(relay, backend, pool, warmed.channel(), System.nanoTime(), alreadySent);
      return;
    }
    InetAddress ip = backend.ip();
    if (ip == null) {
      failed(relay, client, pool, bootstrap, tried, failures, backend,
          new UnknownHostException(backend.address().host() + ": no address yet"));
      return;
    }
    long started = System.nanoTime();
    bootstrap.connect(new InetSocketAddress(ip, backend.address().portFor(client.localPort())))
        .addListener((ChannelFutureListener) connected -> {
          if (connected.isSuccess()) {
            observer.connected(pool.name(), backend, System.nanoTime() - started);
            join(relay, backend, pool, connected.channel(), System.nanoTime(), List.of());
          } else {
            failed(relay, client, pool, bootstrap, tried, failures, backend, connected.cause());
          }
        });
  }

  private void failed(Relay relay, ClientContext client, Pool pool, Bootstrap bootstrap, Set<Backend> tried,
      int failures, Backend backend, Throwable cause) {
    backend.release();
    observer.failed(pool.name(), backend, ConnectError.of(cause));
    pool.outcomes().connectFailed(backend, cause);
    LOG.debug("{}: connect to {} failed: {}", client.listener(), backend, cause.getMessage());
    if (failures < pool.retries()) {
      attempt(relay, client, pool, bootstrap, tried, failures + 1);
    } else {
      refuse(relay, client, pool, Refusal.CONNECT_FAILED);
    }
  }

  private void refuse(Relay relay, ClientContext client, Pool pool, Refusal reason) {
    refuse(relay, client, reason, pool.name());
  }

  public void refuse(Relay relay, ClientContext client, Refusal reason, String pool) {
    ListenerCounters counters = live.counters();
    counters.refused(reason);
    long unlogged = counters.refusalToLog();
    if (unlogged >= 0) {
      LOG.info("listener {}: refused {} ({}){}", client.listener(), client.source().getAddress().getHostAddress(),
          reason.word(), unlogged > 0 ? "; " + unlogged + " more refused since the last such line" : "");
    }
    relay.refuse(reason);
  }

  private static void join(Relay relay, Backend backend, Pool pool, Channel channel, long connectedNanos,
      List<Object> alreadySent) {
    channel.closeFuture().addListener(closed -> {
      backend.release();
      pool.outcomes().ended(backend, relay.backendFailed(), connectedNanos);
    });
    pool.proxyProtocol().ifPresent(version -> ProxyHeader.write(channel, version, relay.clientAddress(), relay.localAddress()));
    relay.attach(channel, backend, alreadySent);
  }

  /** The backend channel's pipeline stays empty until the relay joins it. */
  @ChannelHandler.Sharable
  static final class NoHandler extends ChannelInboundHandlerAdapter {
    static final NoHandler INSTANCE = new NoHandler();
  }
}
