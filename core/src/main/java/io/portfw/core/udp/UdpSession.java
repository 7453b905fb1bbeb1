package io.portfw.core.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.portfw.balancing.Backend;
import io.portfw.balancing.BackendState;
import io.portfw.balancing.ConnectionOutcomes;
import io.portfw.balancing.Pool;
import io.portfw.core.observe.ConnectError;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.Ending;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.UdpDrop;
import io.portfw.core.upstream.LocalPorts;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP client's session: a socket of its own toward the backend its first datagram was
 * given, connected so that only that backend's datagrams come in (and ICMP port unreachable is
 * reported). Client datagrams go out on it one for one, replies go back to the client from the
 * listener's own socket, boundaries kept. Confined to the event loop of the listener socket the
 * client came in on; whatever thread removes it from the session table hands the close over.
 */
final class UdpSession {

  private static final Logger LOG = LoggerFactory.getLogger(UdpSession.class);

  /** Datagrams held while the backend socket is being set up; a client that sends more waits for none. */
  static final int MAX_PENDING = 64;

  private final InetSocketAddress client;
  private final Channel front;
  private final Backend backend;
  private final Pool pool;
  private final Connection connection;
  private final ListenerCounters counters;
  private final ConnectObserver observer;
  private final UdpSessions.Table table;
  private final Connections connections;
  private final int responses;
  private final Runnable admitted;
  private final long startNanos = System.nanoTime();
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private DatagramChannel channel;
  private boolean ready;
  private volatile boolean closed;
  private ScheduledFuture<?> replyTimer;
  private int replies;
  private int requests;
  /** When a datagram last went either way: the table's sweep ends the session once it is idle long enough. */
  private long lastActiveNanos;
  /** Written to since the last flush: the listening socket's read batch flushes it once, at its end. */
  private boolean unflushed;

  UdpSession(InetSocketAddress client, UdpSessions.Table table, Backend backend, Pool pool, Connection connection,
      ListenerCounters counters, ConnectObserver observer, Connections connections, int responses, Runnable leaving) {
    this.client = client;
    this.front = table.front();
    this.lastActiveNanos = table.now();
    this.backend = backend;
    this.pool = pool;
    this.connection = connection;
    this.counters = counters;
    this.observer = observer;
    this.table = table;
    this.connections = connections;
    this.responses = responses;
    this.admitted = leaving;
    connection.closer(() -> front.eventLoop().execute(() -> endBecause(Ending.KILLED)));
  }

  long lastActiveNanos() {
    return lastActiveNanos;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Opens the backend socket on the front socket's event loop and connects it to {@code to};
   * no reply within {@code replyTimeoutMillis} counts against the backend's passive health. {@code from}
   * gives the local address to bind first (null: the kernel chooses); {@code transparent} when that is
   * the client's own address.
   */
  boolean open(Function<InetSocketAddress, DatagramChannel> channels, RecvByteBufAllocator reads, InetSocketAddress to,
      long replyTimeoutMillis, Supplier<InetSocketAddress> from, boolean transparent) {
    if (closed) {
      return false;
    }
    try {
      channel = channels.apply(to);
      channel.config().setRecvByteBufAllocator(reads);
      channel.config().setOption(ChannelOption.SO_RCVBUF, 1 << 20);
      if (transparent) {
        channel.config().setOption(EpollChannelOption.IP_TRANSPARENT, true);
      }
      channel.pipeline().addLast(new Replies());
    } catch (RuntimeException e) { // e.g. no descriptor left for the socket
      if (channel != null) {
        channel.close();
      }
      failed(e);
      return false;
    }
    front.eventLoop().register(channel).addListener((ChannelFutureListener) registered -> {
      if (!registered.isSuccess()) {
        failed(registered.cause());
        return;
      }
      connect(to, from, 0);
    });
    if (pool.outcomes() == ConnectionOutcomes.IGNORED) {
      return true; // no passive health for this pool: nothing would listen to a silent backend
    }
    replyTimer = front.eventLoop().schedule(() -> {
      if (!closed && replies == 0) {
        ConnectTimeoutException silence = new ConnectTimeoutException("no reply within " + replyTimeoutMillis + " ms");
        observer.failed(pool.name(), backend, ConnectError.TIMEOUT);
        pool.outcomes().connectFailed(backend, silence);
      }
    }, replyTimeoutMillis, TimeUnit.MILLISECONDS);
    return true;
  }

  /**
   * Connects the registered socket, bound first to {@code from}'s address when there is one; a port
   * of a source range already bound by another session is passed over for the next.
   */
  private void connect(InetSocketAddress to, Supplier<InetSocketAddress> from, int busyPorts) {
    InetSocketAddress local;
    try {
      local = from == null ? null : from.get();
    } catch (IllegalStateException wrongFamily) {
      failedHere(wrongFamily);
      return;
    }
    (local == null ? channel.connect(to) : channel.connect(to, local)).addListener((ChannelFutureListener) connected -> {
      if (!connected.isSuccess()) {
        boolean bindRefused = local != null && LocalPorts.portBusy(connected.cause());
        if (bindRefused && local.getPort() != 0 && busyPorts + 1 < LocalPorts.TRIES && channel.isOpen()) {
          connect(to, from, busyPorts + 1);
        } else if (bindRefused) {
          failedHere(connected.cause());
        } else {
          failed(connected.cause());
        }
        return;
      }
      ready = true;
      while (!pending.isEmpty()) {
        channel.write(pending.poll(), channel.voidPromise());
      }
      channel.flush();
    });
  }

  /** Whether its backend may still take this client: up or draining, and still in the pool. */
  boolean backendStillServes(Pool current) {
    var state = backend.state();
    // The snapshot it was opened from is still the pool's (no reload since): it holds the backend, no search needed.
    return (state == BackendState.UP || state == BackendState.DRAINING)
        && (current == pool || current != null && current.backends().contains(backend));
  }

  /**
   * Queues one client datagram's payload toward the backend (taking ownership of it); it leaves
   * with the next {@link #flush}. Returns whether it was queued on a connected socket that now
   * wants that flush.
   */
  boolean send(ByteBuf payload) {
    if (closed) {
      payload.release();
      counters.dropped(UdpDrop.SEND_FAILED);
      return false;
    }
    long now = table.now(); // one clock read per datagram: the session's idle sweep and the listing share it
    connection.countFromClient(payload.readableBytes(), now);
    requests++;
    lastActiveNanos = now;
    if (!ready) {
      if (pending.size() >= MAX_PENDING) {
        payload.release();
        counters.dropped(UdpDrop.QUEUE_FULL);
        return false;
      }
      pending.add(payload);
      return false;
    }
    if (!channel.isWritable()) {
      payload.release(); // the socket's queue is over its high-water mark: UDP drops rather than buffer without end
      counters.dropped(UdpDrop.QUEUE_FULL);
      return false;
    }
    // A connected socket takes the bare payload; a failed send reaches Replies.exceptionCaught.
    channel.write(payload, channel.voidPromise());
    boolean first = !unflushed;
    unflushed = true;
    return first;
  }

  /** Sends what {@link #send} queued since the last flush, several datagrams in one system call (sendmmsg). */
  void flush() {
    if (unflushed) {
      unflushed = false;
      if (!closed) {
        channel.flush();
      }
    }
  }

  /** The backend's host name did not resolve. */
  void unresolved(Throwable cause) {
    failed(cause);
  }


  private void failed(Throwable cause) {
    observer.failed(pool.name(), backend, ConnectError.of(cause));
    pool.outcomes().connectFailed(backend, cause);
    endBecause(Ending.BACKEND_UNREACHABLE);
  }

  /**
   * It could not be bound here (its source address gone, every port of its range held, a client of
   * the other family in a transparent pool): the backend is not to blame, so its health is left alone.
   */
  private void failedHere(Throwable cause) {
    LOG.debug("{}: no socket toward {} from here: {}", pool.name(), backend, cause.getMessage());
    endBecause(Ending.BACKEND_UNREACHABLE);
  }

  /** Records why it ends, takes it out of its table and closes it. */
  void endBecause(Ending how) {
    connection.ending(how);
    table.remove(client, this);
    close(how);
  }

  /** Closes it; its table has let it go. On its event loop, as everything of a session. */
  void close(Ending how) {
    if (closed) {
      return;
    }
    closed = true;
    connection.ending(how);
    if (replyTimer != null) {
      replyTimer.cancel(false);
    }
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    if (channel != null) {
      channel.close();
    }
    backend.release();
    admitted.run();
    connection.ended();
    connections.ended(connection, counters);
  }

  /** The backend socket's handler: replies go back to the client through the listener's socket. */
  private final class Replies extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf payload = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
      if (payload == null || closed) {
        ReferenceCountUtil.release(msg);
        return;
      }
      counters.datagramFromBackend();
      long now = table.now();
      connection.countFromBackend(payload.readableBytes(), now);
      if (replies++ == 0) {
        pool.outcomes().ended(backend, false, startNanos); // it answers: passive health counts a success
      }
      lastActiveNanos = now;
      if (front.isWritable()) {
        // Flushed once the loop has handled this batch of events: the replies of many sessions leave in one sendmmsg.
        front.write(new DatagramPacket(DatagramBuffers.ownCopy(front.alloc(), payload), client), front.voidPromise());
        table.flushSoon();
      } else {
        payload.release();
        counters.dropped(UdpDrop.REPLY_FAILED);
      }
      table.touch(client);
      // As nginx's proxy_responses: that many replies per client datagram; a resolver that sent several
      // queries from one port gets all its answers before the session ends.
      if (responses > 0 && replies >= (long) responses * requests) {
        endBecause(Ending.RESPONSES_DONE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (closed) {
        return; // the read that followed its close (it ended on a reply, say) found the socket gone
      }
      if (cause instanceof PortUnreachableException) {
        failed(cause); // ICMP port unreachable: nothing listens there
        return;
      }
      // A datagram toward the backend failed to leave (its write had a void promise): counted; it ends nothing,
      // UDP promises no delivery.
      counters.dropped(UdpDrop.SEND_FAILED);
    }
  }
}
