package io.portfw.core.tcp;

import io.portfw.core.filter.Admission;
import io.portfw.core.filter.ProxyHeaderReader;
import io.portfw.core.filter.ServerNameReader;
import io.portfw.core.listener.ListenException;
import io.portfw.core.listener.ListeningSockets;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.SocketOptions;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.Refusal;
import io.portfw.core.relay.Relay;
import io.portfw.core.upstream.BackendConnector;
import io.portfw.core.upstream.WarmPools;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.config.AcceptProxyConfig;
import io.portfw.config.ListenerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The verticle of one TCP listener on one event loop: accepts on its port (or every port of its
 * range) and forwards each connection to a backend of its pool. The sockets are Netty's, on the
 * verticle's event loop (see {@link ListeningSockets}); Vert.x owns the loops and the lifecycle.
 * The address is fixed for the deployment's life; pool, timeouts and socket options are read from
 * the live settings at each accept, so a reload changes them in place.
 */
public final class TcpForwarder extends VerticleBase {

  private final LiveListener live;
  private final Function<String, Pool> pools;
  private final Connections connections;
  private final ConnectObserver observer;
  private final ListeningSockets sockets;
  private final WarmPools warm;
  private final ListeningSockets.Acceptor acceptor = this::accept;
  private final List<Integer> ports = new ArrayList<>();
  /** Live connections, so that stopping can wait for them and close what outlasts the drain timeout. */
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
  private InetAddress address;
  private EventLoop loop;
  private BackendConnector connector;
  private volatile Promise<Void> drained;

  public TcpForwarder(LiveListener live, Function<String, Pool> pools, Connections connections, ConnectObserver observer,
      ListeningSockets sockets, WarmPools warm) {
    this.live = live;
    this.warm = warm;
    this.pools = pools;
    this.connections = connections;
    this.observer = observer;
    this.sockets = sockets;
  }

  @Override
  public Future<?> start() {
    ListenerConfig listener = live.config();
    loop = ((ContextInternal) context).nettyEventLoop();
    connector = new BackendConnector(((VertxInternal) vertx).transport(), loop, live, observer, warm);
    String host = listener.listen().host();
    try {
      address = InetAddress.getByName(host); // a literal or localhost: validated, no lookup on the network
    } catch (java.net.UnknownHostException e) {
      return Future.failedFuture(new ListenException(listener, host, listener.listen().firstPort(), e));
    }
    List<Future<?>> bound = new ArrayList<>();
    listener.listen().ports().forEach(port -> {
      ports.add(port);
      bound.add(sockets.listen(address, port, loop, listener.socket(), acceptor)
          .recover(cause -> Future.failedFuture(new ListenException(listener, host, port, cause))));
    });
    // Vert.x does not stop an instance whose start failed: leave what this one bound, or a port of the range stays open.
    return Future.all(bound).recover(cause -> leaveAll().transform(left -> Future.failedFuture(cause)));
  }

  private Future<?> leaveAll() {
    List<Future<?>> left = new ArrayList<>();
    ports.forEach(port -> left.add(sockets.leave(address, port, loop, acceptor)));
    ports.clear();
    return Future.join(left);
  }

  /** Stops accepting at once; live connections go on until they end or the drain timeout closes them. */
  @Override
  public Future<?> stop() {
    long drainMillis = live.drainOnStop().toMillis();
    drained = Promise.promise();
    return leaveAll().transform(left -> {
      if (relays.isEmpty()) {
        return Future.succeededFuture();
      }
      long timer = vertx.setTimer(Math.max(1, drainMillis), t -> relays.forEach(r -> r.clientChannel().eventLoop().execute(r::close)));
      checkDrained();
      return drained.future().onComplete(done -> vertx.cancelTimer(timer));
    });
  }

  private void checkDrained() {
    Promise<Void> waiting = drained;
    if (waiting != null && relays.isEmpty()) {
      waiting.tryComplete();
    }
  }

  /** Runs on the connection's event loop as it is registered, before its first read. */
  private void accept(Channel channel) {
    if (!channel.isActive() || drained != null) {
      // Stopping: on the NIO fallback another loop may accept in the instant this instance leaves its sockets;
      // a connection it took would escape the drain, so it is closed, as one in a closed socket's queue would be.
      channel.close();
      return;
    }
    ListenerConfig listener = live.config();
    SocketOptions.apply(channel.config(), listener.socket());
    ListenerCounters counters = live.counters();
    counters.accepted();
    InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
    Connection connection = new Connection(listener.name(), listener.pool(), peer, counters);
    connections.opened(connection);
    Admission admission = counters.admission();
    InetAddress[] admitted = new InetAddress[1]; // set once the door lets the client in; let out when it ends
    Relay[] self = new Relay[1];
    Relay relay = new Relay(channel, listener.timeouts(), connection, () -> {
      if (admitted[0] != null) {
        admission.left(admitted[0]);
      }
      connections.ended(connection, counters);
      relays.remove(self[0]);
      checkDrained();
    });
    self[0] = relay;
    relays.add(relay);
    int localPort = ((InetSocketAddress) channel.localAddress()).getPort();
    if (listener.acceptProxy().isEmpty()) {
      admitAndConnect(listener, relay, connection, peer, localPort, admitted);
      return;
    }
    AcceptProxyConfig proxy = listener.acceptProxy().get();
    if (!proxy.trusts(peer.getAddress())) {
      connector.refuse(relay, new ClientContext(peer, listener.name(), localPort), Refusal.UNTRUSTED_PROXY,
          listener.pool());
      return;
    }
    ProxyHeaderReader.install(channel, proxy.timeout(), real -> {
      connection.proxied(real);
      admitAndConnect(listener, relay, connection, real, localPort, admitted);
    }, why -> connector.refuse(relay, new ClientContext(peer, listener.name(), localPort), Refusal.PROXY_HEADER,
        listener.pool()));
  }

  /** The door (acl, limits) for the client's real address, then a backend: no backend work for a refused one. */
  private void admitAndConnect(ListenerConfig listener, Relay relay, Connection connection, InetSocketAddress source,
      int localPort, InetAddress[] admitted) {
    ClientContext client = new ClientContext(source, listener.name(), localPort);
    Refusal turnedAway = live.counters().admission().admit(source.getAddress(), listener.acl(), listener.limits());
    if (turnedAway != null) {
      connector.refuse(relay, client, turnedAway, listener.pool());
      return;
    }
    admitted[0] = source.getAddress();
    if (listener.sni().isEmpty()) {
      connect(listener, relay, client, listener.pool());
      return;
    }
    ServerNameReader.install(relay.clientChannel(), listener.sni().get(), listener.pool(), chosen -> {
      connection.routedTo(chosen);
      connect(listener, relay, client, chosen);
    }, why -> connector.refuse(relay, client, why, listener.pool()));
  }

  private void connect(ListenerConfig listener, Relay relay, ClientContext client, String poolName) {
    Pool pool = pools.apply(poolName);
    if (pool == null) {
      connector.refuse(relay, client, Refusal.NO_BACKEND, poolName); // cannot happen with a validated config
      return;
    }
    connector.connect(relay, client, pool, listener);
  }
}
