package io.portfw.core;

import io.netty.channel.Channel;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.config.AcceptProxyConfig;
import io.portfw.config.ListenerConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The verticle of one TCP listener: accepts on its port (or every port of its range) and
 * forwards each connection to a backend of its pool. Deployed once per event loop; Vert.x
 * binds the port once and spreads accepted connections over the instances. The address is
 * fixed for the deployment's life; pool and timeouts are read from the live settings at each
 * accept, so a reload changes them in place.
 */
final class TcpForwarder extends VerticleBase {

  private final LiveListener live;
  private final Function<String, Pool> pools;
  private final Connections connections;
  private final ConnectObserver observer;
  private final List<NetServer> servers = new ArrayList<>();
  private BackendConnector connector;

  TcpForwarder(LiveListener live, Function<String, Pool> pools, Connections connections, ConnectObserver observer) {
    this.live = live;
    this.pools = pools;
    this.connections = connections;
    this.observer = observer;
  }

  @Override
  public Future<?> start() {
    ListenerConfig listener = live.config();
    var client = vertx.createNetClient(new NetClientOptions()
        .setTcpNoDelay(true)
        // Vert.x's epoll default sets TCP_QUICKACK off, which makes Linux hold back the last ACK of the
        // handshake for up to 200 ms hoping to piggyback it on data: every server-first protocol
        // (SSH, SMTP, FTP banners) would pay that on each connection.
        .setTcpQuickAck(true));
    connector = new BackendConnector(client, live.counters(), observer);
    String host = listener.listen().host();
    List<Future<?>> bound = new ArrayList<>();
    listener.listen().ports().forEach(port -> {
      NetServer server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setTcpQuickAck(true));
      server.connectHandler(this::accept);
      servers.add(server);
      bound.add(server.listen(port, host)
          .recover(cause -> Future.failedFuture(new ListenException(listener, host, port, cause))));
    });
    return Future.all(bound);
  }

  /** Stops accepting at once; live connections go on until they end or the drain timeout closes them. */
  @Override
  public Future<?> stop() {
    long drainMillis = live.drainOnStop().toMillis();
    List<Future<?>> stopped = new ArrayList<>();
    for (NetServer server : servers) {
      stopped.add(server.shutdown(drainMillis, TimeUnit.MILLISECONDS));
    }
    return Future.all(stopped);
  }

  /** Runs on this instance's event loop while Vert.x initialises the channel, before its first read. */
  private void accept(NetSocket socket) {
    Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
    if (!channel.isActive()) {
      channel.close();
      return;
    }
    ListenerConfig listener = live.config();
    ListenerCounters counters = live.counters();
    counters.accepted();
    InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
    Connection connection = new Connection(listener.name(), listener.pool(), peer, counters);
    connections.opened(connection);
    Admission admission = counters.admission();
    InetAddress[] admitted = new InetAddress[1]; // set once the door lets the client in; let out when it ends
    Relay relay = new Relay(channel, listener.timeouts(), connection, () -> {
      if (admitted[0] != null) {
        admission.left(admitted[0]);
      }
      connections.ended(connection, counters);
    });
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
    connector.connect(relay, client, pool, listener.timeouts().connect());
  }
}
