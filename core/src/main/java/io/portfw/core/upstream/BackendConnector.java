package io.portfw.core.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.config.ListenerConfig;
import io.portfw.config.SocketConfig;
import io.portfw.core.listener.NettyTransport;
import io.portfw.core.listener.SocketOptions;
import io.portfw.core.observe.ConnectError;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.Refusal;
import io.portfw.core.tls.ClientTls;
import io.vertx.core.spi.transport.Transport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a backend for a waiting client: picks one from the pool, connects with the listener's
 * connect timeout and, when that fails, tries another not yet tried, up to the pool's retry
 * limit. Keeps each backend's active count exact: one acquire for every connection attempt,
 * one release for every failed connect or closed backend channel.
 *
 * <p>The backend socket is made on the client's event loop, so both live on one thread.
 */
public final class BackendConnector {

  private static final Logger LOG = LoggerFactory.getLogger(BackendConnector.class);
  private static final String TLS_HANDLER = "portfw-backend-tls";

  private final Transport transport;
  private final EventLoop loop;
  private final ConnectObserver observer;
  private final WarmPools warm;
  /** A pool's TLS toward its backends, or null for plain TCP. */
  private final Function<String, ClientTls> tlsOf;
  private final WaitQueues queues;
  /** The pools as they run now: a client that waited meets the pool of its turn, not of its arrival. */
  private final Function<String, Pool> pools;
  /** Where a pool's connections come from, or null for pools that leave it to the kernel. */
  private final Function<String, SourceBinding> sourcesOf;
  private final LocalPorts localPorts = new LocalPorts();
  private final boolean nativeSockets;
  private static final long LOCAL_WARNING_EVERY_NANOS = 10_000_000_000L;
  private long lastLocalWarning = System.nanoTime() - LOCAL_WARNING_EVERY_NANOS - 1;
  /** Rebuilt when a reload changes the listener's socket options or connect timeout. */
  private volatile Template template;

  private record Template(SocketConfig socket, Duration connectTimeout, Outgoing bootstraps) {}

  /**
   * The bootstraps of one listener's backend connections, by where they are made from: anywhere; the
   * client's own address (IP_TRANSPARENT); a chosen address with the kernel's choice of port; a chosen
   * address and port, a port that other connections to other backends may hold too (SO_REUSEADDR).
   */
  private record Outgoing(Bootstraps plain, Bootstraps transparent, Bootstraps sourced, Bootstraps ranged) {
    Outgoing on(EventLoop loop) {
      return new Outgoing(plain.on(loop), transparent.on(loop), sourced.on(loop), ranged.on(loop));
    }

    Bootstraps from(SourceBinding binding, InetSocketAddress local) {
      if (local == null) {
        return plain;
      }
      return binding.transparent() ? transparent : local.getPort() == 0 ? sourced : ranged;
    }
  }

  /** One Bootstrap per address family: an IPv4 backend gets an IPv4 socket, with no dual-stack set-up. */
  private record Bootstraps(Bootstrap v4, Bootstrap v6) {
    Bootstrap to(InetAddress ip) {
      return ip instanceof Inet6Address ? v6 : v4;
    }

    Bootstraps on(EventLoop loop) {
      return new Bootstraps(v4.clone(loop), v6.clone(loop));
    }
  }

  public BackendConnector(Transport transport, EventLoop loop, ConnectObserver observer, WarmPools warm,
      Function<String, ClientTls> tlsOf, WaitQueues queues, Function<String, Pool> pools,
      Function<String, SourceBinding> sourcesOf) {
    this.transport = transport;
    this.sourcesOf = sourcesOf;
    this.nativeSockets = transport.getClass().getSimpleName().startsWith("Epoll");
    this.pools = pools;
    this.queues = queues;
    this.tlsOf = tlsOf;
    this.loop = loop;
    this.observer = observer;
    this.warm = warm;
  }

  /** Finds this client a backend of {@code pool}, each attempt allowed the listener's connect timeout. */
  public void connect(WaitingClient waiting, ClientContext client, Pool pool, ListenerConfig listener) {
    Outgoing bootstraps = bootstraps(listener);
    EventLoop clientLoop = waiting.loop();
    if (clientLoop != loop) {
      bootstraps = bootstraps.on(clientLoop); // the NIO fallback: one acceptor hands clients to every loop
    }
    attempt(new Attempt(waiting, client, pool, listener.socket(), listener.timeouts().connect().toMillis(), bootstraps),
        0);
  }

  private Outgoing bootstraps(ListenerConfig listener) {
    Template t = template;
    if (t == null || !t.socket().equals(listener.socket()) || !t.connectTimeout().equals(listener.timeouts().connect())) {
      int timeout = (int) Math.min(Integer.MAX_VALUE, listener.timeouts().connect().toMillis());
      SocketConfig socket = listener.socket();
      Bootstrap base = SocketOptions.apply(new Bootstrap()
          .group(loop)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
          // Reading starts when the relay joins the socket to its client.
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .handler(NoHandler.INSTANCE), socket);
      Bootstraps plain = new Bootstraps(
          base.clone().channelFactory(NettyTransport.connectingSockets(transport, SocketProtocolFamily.INET)),
          base.clone().channelFactory(NettyTransport.connectingSockets(transport, SocketProtocolFamily.INET6)));
      t = new Template(socket, listener.timeouts().connect(), new Outgoing(plain,
          // No port of its own: the kernel picks one at connect, unique per backend, so ports are not used up by binds.
          withNative(withNative(plain, EpollChannelOption.IP_TRANSPARENT), EpollChannelOption.IP_BIND_ADDRESS_NO_PORT),
          withNative(plain, EpollChannelOption.IP_BIND_ADDRESS_NO_PORT),
          new Bootstraps(plain.v4().clone().option(ChannelOption.SO_REUSEADDR, true),
              plain.v6().clone().option(ChannelOption.SO_REUSEADDR, true))));
      template = t;
    }
    return t.bootstraps();
  }

  /** Bootstraps that also set an option of the native transport; unchanged on NIO, which has none. */
  private Bootstraps withNative(Bootstraps b, ChannelOption<Boolean> option) {
    return nativeSockets ? new Bootstraps(b.v4().clone().option(option, true), b.v6().clone().option(option, true)) : b;
  }

  /** One client's search for a backend: what stays the same from one try to the next. */
  private record Attempt(WaitingClient waiting, ClientContext client, Pool pool, SocketConfig socket,
      long connectTimeoutMillis, Outgoing bootstraps, Set<Backend> tried) {
    Attempt(WaitingClient waiting, ClientContext client, Pool pool, SocketConfig socket, long connectTimeoutMillis,
        Outgoing bootstraps) {
      this(waiting, client, pool, socket, connectTimeoutMillis, bootstraps, new HashSet<>());
    }

    /** The same client, facing the pool as it runs now (a reload since it began to wait replaced the snapshot). */
    Attempt with(Pool now) {
      return new Attempt(waiting, client, now, socket, connectTimeoutMillis, bootstraps, new HashSet<>());
    }
  }

  private void attempt(Attempt a, int failures) {
    attempt(a, failures, null);
  }

  /** {@code turn}: set when a client that waited in the pool's line is having its turn. */
  private void attempt(Attempt given, int failures, Queued turn) {
    Pool now = turn == null ? given.pool() : pools.apply(given.pool().name());
    if (now == null) {
      given.waiting().refused(Refusal.NO_BACKEND); // the pool was removed while it waited
      return;
    }
    Attempt a = turn == null ? given : given.with(now);
    WaitQueue queue = failures == 0 ? queues.of(a.pool().name()) : null;
    if (!a.waiting().isWaiting()) {
      if (turn != null && queue != null) {
        queue.freed(); // it left while waiting: the slot it was called for goes to the next in line
      }
      return;
    }
    if (queue != null && turn == null && !queue.isEmpty()) {
      wait(a, queue, null); // others were here first
      return;
    }
    Backend backend = BackendPicks.acquire(a.pool(), a.client(), a.tried());
    if (backend == null) {
      Refusal why = failures > 0 ? Refusal.CONNECT_FAILED : BackendPicks.noBackend(a.pool());
      if (queue != null && why == Refusal.BACKENDS_FULL) {
        wait(a, queue, turn);
      } else {
        a.waiting().refused(why);
      }
      return;
    }
    if (turn != null) {
      long waited = System.nanoTime() - turn.sinceNanos;
      a.waiting().queued(TimeUnit.NANOSECONDS.toMillis(waited));
      if (queue != null) { // null when a reload took the pool's line away while it waited
        queue.stats().left(waited);
        if (!queue.isEmpty() && hasRoom(a.pool())) {
          queue.freed(); // more room than this one slot (a reload, a backend added): the next one goes too
        }
      }
    }
    WarmPool ready = warm.on(a.waiting().loop());
    WarmConnection warmed = ready == null ? null : ready.take(backend);
    if (warmed != null) {
      List<Object> alreadySent = warmed.handOver();
      SocketOptions.apply(warmed.channel().config(), a.socket());
      join(a, backend, warmed.channel(), System.nanoTime(), alreadySent);
      return;
    }
    InetAddress ip = backend.ip();
    if (ip == null) {
      failed(a, failures, backend, new UnknownHostException(backend.address().host() + ": no address yet"));
      return;
    }
    dial(a, failures, backend, ip, 0);
  }

  /**
   * Connects to the picked backend, from the address the pool's {@link SourceBinding} gives; a local
   * port of a source range that the kernel refuses (held toward this backend) is passed over for the
   * next, up to {@link LocalPorts#TRIES}, without counting against the backend.
   */
  private void dial(Attempt a, int failures, Backend backend, InetAddress ip, int busyPorts) {
    InetSocketAddress remote = new InetSocketAddress(ip, backend.address().portFor(a.client().localPort()));
    SourceBinding binding = sourcesOf.apply(a.pool().name());
    InetSocketAddress local = null;
    if (binding != null) {
      try {
        local = binding.localFor(a.waiting().clientAddress(), backend.address(), ip, localPorts);
      } catch (IllegalStateException wrongFamily) {
        notFromHere(a, failures, backend, wrongFamily.getMessage());
        return;
      }
    }
    InetSocketAddress from = local;
    Bootstrap bootstrap = a.bootstraps().from(binding, from).to(ip);
    boolean ranged = from != null && from.getPort() != 0;
    long started = System.nanoTime();
    (from == null ? bootstrap.connect(remote) : bootstrap.connect(remote, from))
        .addListener((ChannelFutureListener) connected -> {
          if (connected.isSuccess()) {
            observer.connected(a.pool().name(), backend, System.nanoTime() - started);
            ClientTls tls = tlsOf.apply(a.pool().name());
            if (tls == null) {
              join(a, backend, connected.channel(), System.nanoTime(), List.of());
            } else {
              handshake(a, failures, backend, connected.channel(), tls);
            }
          } else if (ranged && busyPorts + 1 < LocalPorts.TRIES && LocalPorts.portBusy(connected.cause())) {
            dial(a, failures, backend, ip, busyPorts + 1);
          } else if (from != null && LocalPorts.portBusy(connected.cause())) {
            notFromHere(a, failures, backend, "cannot bind " + from + ": " + connected.cause().getMessage());
          } else {
            failed(a, failures, backend, connected.cause());
          }
        });
  }

  /**
   * No socket toward this backend can be made from where the pool says (a client of the other family
   * in a transparent pool, a source address gone, every port of its range held): the backend is not
   * to blame, so its health is left alone, and another backend not yet tried is, as after a failed
   * connect. Warned of once in a while: every such client would repeat it.
   */
  private void notFromHere(Attempt a, int failures, Backend backend, String why) {
    backend.release();
    queues.freed(a.pool().name());
    long now = System.nanoTime();
    if (now - lastLocalWarning > LOCAL_WARNING_EVERY_NANOS) {
      lastLocalWarning = now;
      LOG.warn("{}: pool {}: {}", a.client().listener(), a.pool().name(), why);
    }
    if (failures < a.pool().retries()) {
      attempt(a, failures + 1);
    } else {
      a.waiting().refused(Refusal.CONNECT_FAILED);
    }
  }

  private static boolean hasRoom(Pool pool) {
    for (Backend b : pool.backends()) {
      if (b.canTake()) {
        return true;
      }
    }
    return false;
  }

  /** A client in a pool's line: since when it waits (across turns that found the slot taken), and its deadline. */
  private static final class Queued {
    final long sinceNanos;
    ScheduledFuture<?> deadline;

    Queued(long sinceNanos) {
      this.sinceNanos = sinceNanos;
    }
  }

  /**
   * Puts the client in the pool's line, its socket not read meanwhile: at the end, or back at the
   * head when its turn found the slot taken again; refused when the line is full or the wait too long.
   */
  private void wait(Attempt a, WaitQueue queue, Queued previous) {
    a.tried().clear(); // full is not failed: every backend may be picked again when a slot frees
    Queued q = new Queued(previous == null ? System.nanoTime() : previous.sinceNanos);
    EventLoop clientLoop = a.waiting().loop();
    WaitQueue.Waiter[] self = new WaitQueue.Waiter[1];
    self[0] = new WaitQueue.Waiter(clientLoop, () -> {
      q.deadline.cancel(false);
      attempt(a, 0, q);
    }, a.waiting()::isWaiting);
    if (!queue.join(self[0], previous != null)) {
      a.waiting().refused(Refusal.QUEUE_FULL);
      return;
    }
    if (hasRoom(a.pool())) {
      queue.freed(); // a slot freed between the full pick and the join, and its wake-up found the line empty
    }
    long left = queue.config().timeout().toNanos() - (System.nanoTime() - q.sinceNanos);
    q.deadline = clientLoop.schedule(() -> {
      if (queue.leave(self[0])) {
        long waited = System.nanoTime() - q.sinceNanos;
        queue.stats().left(waited);
        if (a.waiting().isWaiting()) { // a client that left meanwhile is no refusal
          a.waiting().queued(TimeUnit.NANOSECONDS.toMillis(waited));
          a.waiting().refused(Refusal.QUEUE_TIMEOUT);
        }
      }
    }, Math.max(0, left), TimeUnit.NANOSECONDS);
  }

  /**
   * TLS toward the backend before the client is joined to it: a PROXY header first, in the clear
   * as the backend's own TLS terminator expects it, then the handshake within the connect timeout.
   * A failed handshake counts as a failed connect: passive health sees it and another backend is tried.
   */
  private void handshake(Attempt a, int failures, Backend backend, Channel channel, ClientTls tls) {
    writeProxyHeader(a, channel);
    channel.config().setAutoRead(false); // the handler reads what the handshake needs; the relay reads the rest
    SslHandler ssl = tls.newHandler(channel.alloc(), backend.address().host(),
        ((InetSocketAddress) channel.remoteAddress()).getPort(), a.connectTimeoutMillis());
    channel.pipeline().addFirst(TLS_HANDLER, ssl);
    ssl.handshakeFuture().addListener(done -> {
      if (done.isSuccess()) {
        joinWithoutHeader(a, backend, channel, System.nanoTime(), List.of());
      } else {
        channel.close();
        failed(a, failures, backend, done.cause());
      }
    });
  }

  private void failed(Attempt a, int failures, Backend backend, Throwable cause) {
    backend.release();
    queues.freed(a.pool().name());
    observer.failed(a.pool().name(), backend, ConnectError.of(cause));
    a.pool().outcomes().connectFailed(backend, cause);
    LOG.debug("{}: connect to {} failed: {}", a.client().listener(), backend, cause.getMessage());
    if (failures < a.pool().retries()) {
      attempt(a, failures + 1);
    } else {
      a.waiting().refused(Refusal.CONNECT_FAILED);
    }
  }

  private void join(Attempt a, Backend backend, Channel channel, long connectedNanos, List<Object> alreadySent) {
    writeProxyHeader(a, channel);
    joinWithoutHeader(a, backend, channel, connectedNanos, alreadySent);
  }

  private void joinWithoutHeader(Attempt a, Backend backend, Channel channel, long connectedNanos,
      List<Object> alreadySent) {
    Pool pool = a.pool();
    WaitingClient waiting = a.waiting();
    channel.closeFuture().addListener(closed -> {
      backend.release();
      queues.freed(pool.name()); // the slot goes to the longest-waiting client of the pool's line
      pool.outcomes().ended(backend, waiting.backendFailed(), connectedNanos);
    });
    waiting.connected(channel, backend, alreadySent);
  }

  private static void writeProxyHeader(Attempt a, Channel channel) {
    a.pool().proxyProtocol().ifPresent(version -> ProxyHeader.write(channel, version, a.waiting().clientAddress(),
        a.waiting().localAddress(), a.waiting().tlsFacts()));
  }

  /** The backend channel's pipeline stays empty until the relay joins it. */
  @ChannelHandler.Sharable
  static final class NoHandler extends ChannelInboundHandlerAdapter {
    static final NoHandler INSTANCE = new NoHandler();
  }
}
