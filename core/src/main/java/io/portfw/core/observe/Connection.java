package io.portfw.core.observe;

import io.portfw.balancing.Backend;
import io.portfw.config.Hosts;
import io.portfw.config.Protocol;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One proxied client connection, from accept to the close of its last socket: who, where to,
 * since when, how many bytes each way, and how it ended. Written by its event loop only; the
 * admin API reads it from other threads, so the byte counts are published with opaque writes
 * (a plain store on x86: the data path pays nothing for it) and may be a read or two behind.
 */
public final class Connection {

  private static final AtomicLong IDS = new AtomicLong();
  private static final VarHandle FROM_CLIENT;
  private static final VarHandle FROM_BACKEND;
  private static final VarHandle LAST_ACTIVE;

  static {
    try {
      FROM_CLIENT = MethodHandles.lookup().findVarHandle(Connection.class, "fromClient", long.class);
      FROM_BACKEND = MethodHandles.lookup().findVarHandle(Connection.class, "fromBackend", long.class);
      LAST_ACTIVE = MethodHandles.lookup().findVarHandle(Connection.class, "lastActiveNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long id = IDS.incrementAndGet();
  private final String listener;
  private final Protocol protocol;
  private final int localPort;
  private volatile String pool;
  private volatile InetSocketAddress client;
  private final ListenerCounters counters;
  private final long startMillis = System.currentTimeMillis();
  private final long startNanos = System.nanoTime();
  private volatile Backend backend;
  private long fromClient;
  private long fromBackend;
  /** When a byte last went either way (System.nanoTime). */
  private long lastActiveNanos = startNanos;
  /** The quiet time that ends it now: the idle timeout, or the fin timeout once a FIN was seen; 0 when none applies yet. */
  private volatile long idleTimeoutMillis;
  private volatile Ending ending;
  private volatile Refusal refusal;
  private volatile TlsFacts tls;
  /** How long it waited in its pool's line for a free backend; 0 when it did not wait. */
  private volatile long queuedMillis;
  /** Closes it on its own event loop; set by whoever runs it (the TCP relay, the UDP session). */
  private volatile Runnable closer = () -> {};
  private volatile long endNanos;

  public Connection(String listener, Protocol protocol, int localPort, String pool, InetSocketAddress client,
      ListenerCounters counters) {
    this.listener = listener;
    this.protocol = protocol;
    this.localPort = localPort;
    this.pool = pool;
    this.client = client;
    this.counters = counters;
  }

  public long id() {
    return id;
  }

  public String listener() {
    return listener;
  }

  public String pool() {
    return pool;
  }

  /** TCP for a connection, UDP for a session. */
  public Protocol protocol() {
    return protocol;
  }

  /** The port of the listener the client reached (one of a range's). */
  public int localPort() {
    return localPort;
  }

  public InetSocketAddress client() {
    return client;
  }

  /** The client as {@code 203.0.113.5:51234} or {@code [2001:db8::5]:51234}. */
  public String clientText() {
    String host = client.getAddress().getHostAddress();
    return Hosts.hostPort(host, client.getPort());
  }

  /** The backend it was joined to; null while connecting and when refused. */
  public Backend backend() {
    return backend;
  }

  /**
   * The backend's address as the config names it, with the port this connection went to (a
   * backend that keeps the client's port shows the real one); null while connecting.
   */
  public String backendText() {
    Backend b = backend;
    return b == null ? null : Hosts.hostPort(b.address().host(), b.address().portFor(localPort));
  }

  /** How long nothing has gone either way. */
  public long idleMillis() {
    long end = endNanos;
    return ((end == 0 ? System.nanoTime() : end) - (long) LAST_ACTIVE.getOpaque(this)) / 1_000_000;
  }

  /** The quiet time that ends it now; 0 while none applies (connecting: the connect timeout rules). */
  public long idleTimeoutMillis() {
    return idleTimeoutMillis;
  }

  /** Sets the quiet time that ends it: the idle timeout once joined, the fin timeout after a FIN. */
  public void idleTimeout(long millis) {
    this.idleTimeoutMillis = millis;
  }

  public long startMillis() {
    return startMillis;
  }

  /** How long it has lasted so far, or lasted when it has ended. */
  public long ageMillis() {
    long end = endNanos;
    return ((end == 0 ? System.nanoTime() : end) - startNanos) / 1_000_000;
  }

  public long bytesFromClient() {
    return (long) FROM_CLIENT.getOpaque(this);
  }

  public long bytesFromBackend() {
    return (long) FROM_BACKEND.getOpaque(this);
  }

  /** How it ended, or began to end (a FIN either way, while the other direction still flows); null before that. */
  public Ending ending() {
    return ending;
  }

  /** Why it was refused, when {@link #ending()} is {@link Ending#REFUSED}. */
  public Refusal refusal() {
    return refusal;
  }

  /** It waited this long in its pool's line (added up when it waited more than once). */
  public void queued(long millis) {
    queuedMillis += millis;
  }

  public long queuedMillis() {
    return queuedMillis;
  }

  /** How the operator's kill reaches it. */
  public void closer(Runnable close) {
    this.closer = close;
  }

  /** Closes it at the operator's word: both sides at once, recorded as killed. */
  public void kill() {
    closer.run();
  }

  /** What its TLS handshake settled, when the listener terminates TLS; null otherwise. */
  public TlsFacts tls() {
    return tls;
  }

  public void tls(TlsFacts facts) {
    this.tls = facts;
  }

  /** The pool a route by TLS server name chose. */
  public void routedTo(String chosen) {
    this.pool = chosen;
  }

  /** The client as a PROXY header from the load balancer in front names it. */
  public void proxied(InetSocketAddress real) {
    this.client = real;
  }

  public void joined(Backend joined) {
    this.backend = joined;
  }

  public void countFromClient(int bytes) {
    countFromClient(bytes, System.nanoTime());
  }

  /** As {@link #countFromClient(int)}, at {@code nowNanos} (System.nanoTime), which the caller has read already. */
  public void countFromClient(int bytes, long nowNanos) {
    FROM_CLIENT.setOpaque(this, fromClient + bytes);
    LAST_ACTIVE.setOpaque(this, nowNanos);
    counters.fromClients(bytes);
    backend.sent(bytes);
  }

  public void countFromBackend(int bytes) {
    countFromBackend(bytes, System.nanoTime());
  }

  /** As {@link #countFromBackend(int)}, at {@code nowNanos} (System.nanoTime), which the caller has read already. */
  public void countFromBackend(int bytes, long nowNanos) {
    FROM_BACKEND.setOpaque(this, fromBackend + bytes);
    LAST_ACTIVE.setOpaque(this, nowNanos);
    counters.fromBackends(bytes);
    backend.received(bytes);
  }

  /**
   * Records the first thing that ended it; later ones are consequences. One exception: a side
   * that sent its FIN and then waited out the fin timeout ended by that timeout.
   */
  public void ending(Ending how) {
    Ending now = ending;
    if (now == null || (how == Ending.FIN_TIMEOUT && (now == Ending.CLIENT_CLOSE || now == Ending.BACKEND_CLOSE))) {
      ending = how;
    }
  }

  /** Refused, whatever the client did meanwhile (it may have sent its FIN already). */
  public void refused(Refusal why) {
    refusal = why;
    ending = Ending.REFUSED;
  }

  /** Client bytes received but never forwarded (it was refused): the listener still counts them. */
  public void countUnforwarded(int bytes) {
    FROM_CLIENT.setOpaque(this, fromClient + bytes);
    counters.fromClients(bytes);
  }

  public void ended() {
    endNanos = System.nanoTime();
    if (ending == null) {
      ending = Ending.STOPPED; // closed with no FIN, reset or timeout seen: portfw closed it (stop, drain)
    }
  }
}
