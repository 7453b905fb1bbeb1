package io.portfw.core.tcp;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.Pool;
import io.portfw.config.ListenerConfig;
import io.portfw.core.listener.ListenException;
import io.portfw.core.listener.ListeningSockets;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.listener.SocketOptions;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.Refusal;
import io.portfw.core.tls.ClientTls;
import io.portfw.core.upstream.BackendConnector;
import io.portfw.core.upstream.SourceBinding;
import io.portfw.core.upstream.WaitQueues;
import io.portfw.core.upstream.WarmPools;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
  private final Function<String, ClientTls> poolTls;
  private final WaitQueues queues;
  private final Function<String, SourceBinding> poolSources;
  private final ListeningSockets.Acceptor acceptor = this::accept;
  private final List<Integer> ports = new ArrayList<>();
  /** Live connections, so that stopping can wait for them and close what outlasts the drain timeout. */
  private final Set<TcpConnection> open = ConcurrentHashMap.newKeySet();
  private InetAddress address;
  private EventLoop loop;
  private BackendConnector connector;
  private volatile Promise<Void> drained;

  public TcpForwarder(LiveListener live, Function<String, Pool> pools, Connections connections, ConnectObserver observer,
      ListeningSockets sockets, WarmPools warm, Function<String, ClientTls> poolTls, WaitQueues queues,
      Function<String, SourceBinding> poolSources) {
    this.poolSources = poolSources;
    this.live = live;
    this.queues = queues;
    this.poolTls = poolTls;
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
    connector = new BackendConnector(((VertxInternal) vertx).transport(), loop, observer, warm, poolTls, queues, pools,
        poolSources);
    String host = listener.listen().host();
    try {
      address = InetAddress.getByName(host); // a literal or localhost: validated, no lookup on the network
    } catch (UnknownHostException e) {
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
      if (open.isEmpty()) {
        return Future.succeededFuture();
      }
      long timer = vertx.setTimer(Math.max(1, drainMillis), t -> open.forEach(c -> c.loop().execute(c.relay()::close)));
      checkDrained();
      return drained.future().onComplete(done -> vertx.cancelTimer(timer));
    });
  }

  private void checkDrained() {
    Promise<Void> waiting = drained;
    if (waiting != null && open.isEmpty()) {
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
    SocketOptions.apply(channel.config(), live.config().socket());
    ListenerCounters counters = live.counters();
    counters.accepted();
    TcpConnection accepted = new TcpConnection(this, live, channel, this::ended);
    connections.opened(accepted.connection());
    open.add(accepted);
    accepted.start();
  }

  private void ended(TcpConnection ended) {
    connections.ended(ended.connection(), live.counters());
    open.remove(ended);
    checkDrained();
  }

  /** A backend of the named pool for an admitted client. */
  void connect(TcpConnection accepted, ClientContext client, String poolName) {
    Pool pool = pools.apply(poolName);
    if (pool == null) {
      accepted.refused(Refusal.NO_BACKEND); // cannot happen with a validated config
      return;
    }
    connector.connect(accepted, client, pool, accepted.listener());
  }
}
