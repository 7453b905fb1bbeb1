package io.portfw.core.udp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.ListenerConfig;
import io.portfw.config.Protocol;
import io.portfw.config.SocketConfig;
import io.portfw.core.listener.ListenException;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.NettyTransport;
import io.portfw.core.listener.SocketInheritance;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.Ending;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.UdpDrop;
import io.portfw.core.upstream.BackendPicks;
import io.portfw.core.upstream.LocalPorts;
import io.portfw.core.upstream.SourceBinding;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The verticle of one UDP listener: a socket per port (per event loop, with SO_REUSEPORT on the
 * native transport, so the kernel spreads clients over the loops), a session per client
 * address and port. Written on Netty directly: Vert.x's DatagramSocket copies each datagram,
 * cuts those over 2 KiB and cannot connect a socket.
 */
public final class UdpForwarder extends VerticleBase {

  private final LiveListener live;
  /** The listener's session table, shared by its instances on every event loop. */
  private final UdpSessions sessions;
  private final Function<String, Pool> pools;
  private final Connections connections;
  /** Where a pool's session sockets are bound, or null for pools that leave it to the kernel. */
  private final Function<String, SourceBinding> poolSources;
  private final LocalPorts localPorts = new LocalPorts();
  private final ConnectObserver observer;
  private final List<Channel> fronts = new ArrayList<>();
  /** Sockets handed over by a process this one took over from, and the list of those it listens on. */
  private final SocketInheritance inheritance;
  /** The read buffer of this instance's sockets, listening and toward backends, all on its event loop. */
  /** How often a stopping listener looks whether its last session has ended. */
  private static final long DRAIN_CHECK_MILLIS = 50;
  private final DatagramBuffers buffers = new DatagramBuffers(16);
  /** The session table of each of its sockets, all on this instance's event loop. */
  private final List<UdpSessions.Table> tables = new ArrayList<>();
  /** Why the last session was not opened: the door (acl, limits) or no backend. Per instance, so per event loop. */
  private boolean refusedByAdmission;
  private Transport transport;
  /** Set by stop: live sessions finish, a new client gets none. */
  private volatile boolean stopping;

  public UdpForwarder(LiveListener live, UdpSessions sessions, Function<String, Pool> pools, Connections connections,
      ConnectObserver observer, SocketInheritance inheritance, Function<String, SourceBinding> poolSources) {
    this.poolSources = poolSources;
    this.inheritance = inheritance;
    this.live = live;
    this.sessions = sessions;
    this.pools = pools;
    this.connections = connections;
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    ListenerConfig listener = live.config();
    transport = ((VertxInternal) vertx).transport();
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    String host = listener.listen().host();
    List<Future<?>> bound = new ArrayList<>();
    listener.listen().ports().forEach(port -> bound.add(bind(loop, host, port)
        .recover(cause -> Future.failedFuture(new ListenException(listener, host, port, cause)))));
    if (host.equals("0.0.0.0") || host.equals("::")) {
      org.slf4j.LoggerFactory.getLogger(UdpForwarder.class).debug("{}: a UDP listener on a wildcard address replies "
          + "from the address the routing table picks; give it the public address when the host has several", listener.name());
    }
    // Vert.x does not stop an instance whose start failed: close what this one bound, or a port of the range stays open.
    return Future.all(bound).recover(cause -> {
      fronts.forEach(Channel::close);
      fronts.clear();
      return Future.failedFuture(cause);
    });
  }

  private Future<?> bind(EventLoop loop, String host, int port) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host); // a literal or localhost: validated, no lookup on the network
    } catch (UnknownHostException e) {
      return Future.failedFuture(e);
    }
    SocketInheritance.Place place = new SocketInheritance.Place(Protocol.UDP, address, port);
    List<FileDescriptor> handed = inheritance.take(place);
    if (handed.isEmpty() && inheritance.holding() && inheritance.wasInherited(place)) {
      // Taking over, and no socket of the old process left for this loop: a fresh one would take a share of the
      // port's datagrams before this process is sure to start.
      return Future.succeededFuture();
    }
    if (handed.isEmpty()) {
      return open(loop, place, transport.datagramChannel(address instanceof Inet6Address
          ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4), false);
    }
    // Bound already, by the process that handed them over; several when it had more event loops than this one.
    List<Future<Channel>> adopted = new ArrayList<>();
    for (FileDescriptor fd : handed) {
      EpollDatagramChannel channel = new EpollDatagramChannel(fd.intValue());
      channel.config().setAutoRead(!inheritance.holding()); // reads once the whole process has started
      adopted.add(open(loop, place, channel, true));
    }
    return Future.all(adopted);
  }

  /** Sets a listening socket up on {@code loop} and binds it, unless it was handed over bound. */
  private Future<Channel> open(EventLoop loop, SocketInheritance.Place place, DatagramChannel channel,
      boolean handedOver) {
    Promise<Channel> done = Promise.promise();
    // Up to 16 datagrams per wake-up: the sessions they go to are flushed once, at the end of the batch.
    channel.config().setRecvByteBufAllocator(buffers);
    // Bursts of datagrams wait in these while the loop is busy: larger than the kernel's default, unless configured.
    SocketConfig socket = live.config().socket();
    channel.config().setOption(ChannelOption.SO_RCVBUF, socket.receiveBuffer() > 0 ? socket.receiveBuffer() : 4 << 20);
    channel.config().setOption(ChannelOption.SO_SNDBUF, socket.sendBuffer() > 0 ? socket.sendBuffer() : 4 << 20);
    ChannelOption<Boolean> reusePort = NettyTransport.of(vertx).reusePort();
    if (reusePort != null) {
      channel.config().setOption(reusePort, true);
    }
    Datagrams datagrams = new Datagrams(place.port());
    channel.pipeline().addLast(datagrams);
    loop.register(channel).addListener((ChannelFutureListener) registered -> {
      if (!registered.isSuccess()) {
        done.fail(registered.cause());
        return;
      }
      datagrams.table = sessions.tableOf(channel); // before the bind: no datagram comes earlier
      tables.add(datagrams.table);
      if (handedOver) {
        fronts.add(channel);
        inheritance.opened(place, channel, true);
        done.complete(channel);
        return;
      }
      channel.bind(new InetSocketAddress(place.address(), place.port())).addListener((ChannelFutureListener) b -> {
        if (b.isSuccess()) {
          fronts.add(channel);
          inheritance.opened(place, channel, false);
          done.complete(channel);
        } else {
          channel.close();
          done.fail(b.cause());
        }
      });
    });
    return done.future();
  }

  /**
   * Stops taking new sessions at once; live ones go on (their replies still reach their clients,
   * through the listening socket, which stays open meanwhile) until they end or the drain timeout
   * passes, as TCP connections do. When a new deployment serves the same ports (a rebind kept
   * them), it stops at once instead: a socket kept open on a shared port would take some new
   * clients' datagrams from the new one and drop them.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (live.portsStayServedElsewhere() || tables.stream().allMatch(UdpSessions.Table::isEmpty)) {
      return closeNow();
    }
    Promise<Void> drained = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, live.drainOnStop().toMillis()), t -> drained.tryComplete());
    long check = vertx.setPeriodic(DRAIN_CHECK_MILLIS, t -> {
      if (tables.stream().allMatch(UdpSessions.Table::isEmpty)) {
        drained.tryComplete();
      }
    });
    return drained.future().compose(done -> {
      vertx.cancelTimer(timer);
      vertx.cancelTimer(check);
      return closeNow();
    });
  }

  private Future<?> closeNow() {
    List<Future<?>> closed = new ArrayList<>();
    tables.forEach(UdpSessions.Table::endAll);
    for (Channel front : fronts) {
      Promise<Void> p = Promise.promise();
      front.close().addListener(f -> p.complete());
      closed.add(p.future());
    }
    return Future.all(closed);
  }

  /** The handler of one listening socket: each datagram goes to its client's session, made on the first. */
  private final class Datagrams extends SimpleChannelInboundHandler<DatagramPacket> {

    private final int port;
    /** The sessions of this socket; set once it is registered, before it is bound. */
    private UdpSessions.Table table;
    /** Sessions written to in this read batch, flushed at its end. */
    private final List<UdpSession> unflushed = new ArrayList<>();

    Datagrams(int port) {
      super(false); // each payload is handed on, released by whoever sends it
      this.port = port;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ListenerCounters counters = live.counters();
      counters.datagramFromClient();
      if (!packet.content().isReadable()) {
        counters.dropped(UdpDrop.EMPTY);
        packet.release();
        return;
      }
      InetSocketAddress sender = packet.sender();
      UdpSession session = table.touch(sender);
      if (session != null && !session.isClosed() && !session.backendStillServes(pools.apply(live.config().pool()))) {
        session.endBecause(Ending.BACKEND_DOWN); // down, disabled or gone by a reload: the client moves on now
        session = null;
      }
      if (session == null || session.isClosed()) {
        if (stopping) {
          counters.dropped(UdpDrop.STOPPING);
          packet.release();
          return;
        }
        try {
          session = open(table, sender, port, counters);
        } catch (RuntimeException e) {
          session = null; // the session ended itself (no descriptor for its socket, say); counted as failed
        }
        if (session == null) {
          counters.dropped(refusedByAdmission ? UdpDrop.REFUSED : UdpDrop.NO_BACKEND);
          packet.release();
          return;
        }
      }
      if (session.send(DatagramBuffers.ownCopy(ctx.alloc(), packet.content()))) {
        unflushed.add(session);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      for (int i = 0; i < unflushed.size(); i++) {
        unflushed.get(i).flush();
      }
      unflushed.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reply that could not be sent back (its write had a void promise), e.g. to a client gone: counted, and
      // nothing to end.
      live.counters().dropped(UdpDrop.REPLY_FAILED);
    }
  }

  /** A new session: a backend picked by the pool's strategy and a socket of its own toward it; null when none can take it. */
  private UdpSession open(UdpSessions.Table table, InetSocketAddress sender, int localPort, ListenerCounters counters) {
    ListenerConfig listener = live.config();
    InetAddress source = sender.getAddress();
    Refusal turnedAway = live.admission().admit(source, listener.acl(), listener.limits());
    refusedByAdmission = turnedAway != null;
    if (turnedAway != null) {
      counters.refused(turnedAway);
      return null;
    }
    UdpSession session = pickAndOpen(table, sender, localPort, counters, listener);
    if (session == null) {
      live.admission().left(source);
    }
    return session;
  }

  /** The backend this client's session had before a take-over, when it can still take the client. */
  private Backend carriedOver(Pool pool, InetSocketAddress sender) {
    BackendAddress had = live.carriedSession(sender);
    if (had == null || pool == null) {
      return null;
    }
    for (Backend b : pool.backends()) {
      if (b.address().equals(had) && b.isUsable() && b.tryAcquire()) {
        return b;
      }
    }
    return null;
  }

  private UdpSession pickAndOpen(UdpSessions.Table table, InetSocketAddress sender, int localPort,
      ListenerCounters counters, ListenerConfig listener) {
    Pool pool = pools.apply(listener.pool());
    ClientContext client = new ClientContext(sender, listener.name(), localPort);
    Backend backend = carriedOver(pool, sender);
    if (backend == null) {
      backend = BackendPicks.acquire(pool, client, new HashSet<>());
    }
    if (backend == null) {
      counters.refused(BackendPicks.noBackend(pool));
      return null;
    }
    counters.accepted();
    Connection connection = new Connection(listener.name(), Protocol.UDP, localPort, pool.name(), sender, counters);
    connection.joined(backend);
    connection.idleTimeout(listener.udp().sessionIdle().toMillis());
    connections.opened(connection);
    UdpSession session = new UdpSession(sender, table, backend, pool, connection, counters, observer, connections,
        listener.udp().responses(), () -> live.admission().left(sender.getAddress()));
    String host = backend.address().host();
    int port = backend.address().portFor(localPort);
    long replyTimeout = listener.timeouts().connect().toMillis();
    // The literal, or the host name's latest answer from the backend resolver (as TCP and the health checks use).
    InetAddress ip = backend.ip();
    if (ip == null) {
      table.add(sender, session);
      session.unresolved(new UnknownHostException(host + ": no address yet"));
      return session;
    }
    SourceBinding binding = poolSources.apply(pool.name());
    Supplier<InetSocketAddress> from = null;
    if (binding != null) {
      BackendAddress address = backend.address();
      from = () -> binding.localFor(sender, address, ip, localPorts);
    }
    if (!session.open(this::channelFor, buffers, new InetSocketAddress(ip, port), replyTimeout, from,
        binding != null && binding.transparent())) {
      return session; // it ended itself; the datagram sent to it is dropped and counted
    }
    table.add(sender, session);
    return session;
  }

  private DatagramChannel channelFor(InetSocketAddress target) {
    return transport.datagramChannel(target.getAddress() instanceof Inet6Address
        ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
  }
}
