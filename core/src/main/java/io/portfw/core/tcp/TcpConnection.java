package io.portfw.core.tcp;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.config.AcceptProxyConfig;
import io.portfw.config.ListenerConfig;
import io.portfw.config.Protocol;
import io.portfw.core.filter.ProxyHeaderReader;
import io.portfw.core.filter.ServerNameReader;
import io.portfw.core.filter.TlsTerminator;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.Ending;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.TlsFacts;
import io.portfw.core.relay.Relay;
import io.portfw.core.tls.ServerTls;
import io.portfw.core.upstream.WaitingClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted TCP connection on its way to a backend: the PROXY header when the listener takes
 * one, the door (acl, limits) for the client's real address, the TLS server name when the listener
 * routes by it, then a backend, and the relay from then on. Confined to the connection's event loop.
 */
final class TcpConnection implements WaitingClient {

  private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);

  private final TcpForwarder forwarder;
  private final LiveListener live;
  private final ListenerConfig listener;
  private final Connection connection;
  private final Relay relay;
  private final int localPort;
  /** Set once the door lets the client in; let out again when the connection ends. */
  private InetAddress admitted;

  TcpConnection(TcpForwarder forwarder, LiveListener live, Channel channel, Consumer<TcpConnection> onEnd) {
    this.forwarder = forwarder;
    this.live = live;
    this.listener = live.config();
    InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
    this.localPort = ((InetSocketAddress) channel.localAddress()).getPort();
    this.connection = new Connection(listener.name(), Protocol.TCP, localPort, listener.pool(), peer, live.counters());
    this.relay = new Relay(channel, listener.timeouts(), connection, () -> {
      if (admitted != null) {
        live.admission().left(admitted);
      }
      onEnd.accept(this);
    });
    connection.closer(() -> channel.eventLoop().execute(() -> {
      connection.ending(Ending.KILLED);
      relay.close();
    }));
  }

  Connection connection() {
    return connection;
  }

  Relay relay() {
    return relay;
  }

  /** Starts its way to a backend; runs as it is registered, before its first read. */
  void start() {
    InetSocketAddress peer = connection.client();
    if (listener.acceptProxy().isEmpty()) {
      admitAndRoute(peer);
      return;
    }
    AcceptProxyConfig proxy = listener.acceptProxy().get();
    if (!proxy.trusts(peer.getAddress())) {
      refuse(peer, Refusal.UNTRUSTED_PROXY);
      return;
    }
    ProxyHeaderReader.install(relay.clientChannel(), proxy.timeout(), real -> {
      connection.proxied(real);
      admitAndRoute(real);
    }, why -> refuse(peer, Refusal.PROXY_HEADER));
  }

  /** The door for the client's real address, then a pool: no backend work for a refused one. */
  private void admitAndRoute(InetSocketAddress source) {
    Refusal turnedAway = live.admission().admit(source.getAddress(), listener.acl(), listener.limits());
    if (turnedAway != null) {
      refuse(source, turnedAway);
      return;
    }
    admitted = source.getAddress();
    ServerTls tls = live.tls();
    if (tls != null) {
      terminateTls(source, tls);
      return;
    }
    if (listener.sni().isEmpty()) {
      forwarder.connect(this, client(source), listener.pool());
      return;
    }
    ServerNameReader.install(relay.clientChannel(), Relay.HANDLER_NAME, listener.sni().get(), listener.pool(),
        chosen -> {
          connection.routedTo(chosen);
          forwarder.connect(this, client(source), chosen);
        }, why -> refuse(source, why));
  }

  /** The handshake, then a pool: by the server name the client asked for when the listener has routes, else its own. */
  private void terminateTls(InetSocketAddress source, ServerTls tls) {
    TlsTerminator.install(relay.clientChannel(), Relay.HANDLER_NAME, tls, facts -> {
      live.counters().tlsHandshake(facts.resumed());
      connection.tls(facts);
      List<String> negotiated = facts.alpn() == null ? List.of() : List.of(facts.alpn());
      String pool = listener.sni().flatMap(sni -> sni.poolFor(facts.serverName(), negotiated, facts.clientCn()))
          .orElse(listener.pool());
      if (!pool.equals(listener.pool())) {
        connection.routedTo(pool);
      }
      forwarder.connect(this, client(source), pool);
    }, (kind, why) -> {
      live.counters().tlsFailed(kind);
      LOG.debug("listener {}: TLS handshake with {} failed ({}): {}", listener.name(), source, kind.word(), why);
      refuse(source, Refusal.TLS_HANDSHAKE);
    });
  }

  ClientContext client(InetSocketAddress source) {
    return new ClientContext(source, listener.name(), localPort);
  }

  ListenerConfig listener() {
    return listener;
  }

  @Override
  public EventLoop loop() {
    return relay.clientChannel().eventLoop();
  }

  @Override
  public boolean isWaiting() {
    return relay.isOpen();
  }

  @Override
  public InetSocketAddress clientAddress() {
    return relay.clientAddress();
  }

  @Override
  public InetSocketAddress localAddress() {
    return relay.localAddress();
  }

  @Override
  public TlsFacts tlsFacts() {
    return connection.tls();
  }

  @Override
  public void connected(Channel backend, Backend server, List<Object> alreadySent) {
    if (relay.isOpen()) {
      connection.joined(server);
    }
    relay.attach(backend, alreadySent);
  }

  @Override
  public void queued(long millis) {
    connection.queued(millis);
  }

  @Override
  public void refused(Refusal why) {
    refuse(connection.client(), why);
  }

  @Override
  public boolean backendFailed() {
    return relay.backendFailed();
  }

  /** Counts and logs (at most a line a second per listener) why the client was turned away, and resets it. */
  private void refuse(InetSocketAddress source, Refusal why) {
    ListenerCounters counters = live.counters();
    counters.refused(why);
    long unlogged = counters.refusalToLog();
    if (unlogged >= 0) {
      String client = source.getAddress().getHostAddress();
      LOG.atInfo().addKeyValue("listener", listener.name()).addKeyValue("client", client)
          .addKeyValue("refusal", why.word()).log("listener {}: refused {} ({}){}", listener.name(), client, why.word(),
          unlogged > 0 ? "; " + unlogged + " more refused since the last such line" : "");
    }
    relay.refuse(why);
  }
}
