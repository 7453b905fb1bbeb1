package io.portfw.core.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.portfw.balancing.Backend;
import io.portfw.core.observe.Refusal;
import io.portfw.core.observe.TlsFacts;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A client waiting for a backend, as {@link BackendConnector} sees it: it is told the outcome
 * once, a connected backend channel or a refusal. The TCP listener's accepted connection is one.
 * All calls come on {@link #loop()}.
 */
public interface WaitingClient {

  /** The client's event loop: the backend socket is made on it. */
  EventLoop loop();

  /** False once the client has gone: a connect in flight then goes no further. */
  boolean isWaiting();

  /** The client as a PROXY header to the backend names it: its real address. */
  InetSocketAddress clientAddress();

  /** The address the client connected to. */
  InetSocketAddress localAddress();

  /** What the client's TLS handshake settled when the listener terminates TLS, else null: a PROXY v2 header carries it. */
  TlsFacts tlsFacts();

  /** Joins the connected backend channel; {@code alreadySent} is what the backend said before (a warm connection's banner). */
  void connected(Channel backend, Backend server, List<Object> alreadySent);

  /** It waited this long in its pool's line before a backend took it, or before it was refused. */
  void queued(long millis);

  /** No backend could take it. */
  void refused(Refusal why);

  /** Asked when the backend channel closes: whether it failed (a reset, a failed write), for passive health. */
  boolean backendFailed();
}
