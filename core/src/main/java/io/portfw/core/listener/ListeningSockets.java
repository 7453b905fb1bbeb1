package io.portfw.core.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.portfw.config.Protocol;
import io.portfw.config.SocketConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening TCP sockets of a running portfw. With the native transport each event loop has
 * its own socket on every port (SO_REUSEPORT: the kernel spreads new connections over them and
 * each loop accepts its own, with no hand-off between threads); on the NIO fallback one socket
 * per port accepts for all loops.
 *
 * <p>A socket is shared by the deployments serving its port: a reload that rebinds a listener
 * with some of the same ports (a widened range) hands those sockets to the new deployment instead
 * of closing them, because closing a listening socket resets the clients still in its accept
 * queue. The newest deployment on a socket takes its connections; the socket closes with the last.
 */
public final class ListeningSockets {

  /** Takes over a newly accepted connection, on its event loop, before its first read. */
  public interface Acceptor {
    void accept(Channel child);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ListeningSockets.class);

  private record Key(InetAddress address, int port, EventLoop loop) {}

  private static final class Entry {
    final Promise<Channel> bound = Promise.promise();
    /** Every socket of this entry: one, or several handed over by a take-over from a process with more loops. */
    final List<Channel> channels = new ArrayList<>();
    /** Every deployment sharing the socket, oldest first; the last takes new connections. */
    final List<Acceptor> acceptors = new ArrayList<>();
    /** Read by the accepting event loop; null once every deployment has left. */
    volatile Acceptor current;
  }

  private final Transport transport;
  /** SO_REUSEPORT of the native transport; null on NIO, where one socket per port accepts for all loops. */
  private final ChannelOption<Boolean> reusePort;
  private final EventLoopGroup allLoops;
  private final Map<Key, Entry> sockets = new HashMap<>();
  private final SocketInheritance inheritance;

  public ListeningSockets(Transport transport, ChannelOption<Boolean> reusePort, EventLoopGroup allLoops,
      SocketInheritance inheritance) {
    this.transport = transport;
    this.reusePort = reusePort;
    this.allLoops = allLoops;
    this.inheritance = inheritance;
  }

  /** Whether each event loop accepts for itself; otherwise one deployment instance serves every loop. */
  public boolean perLoop() {
    return reusePort != null;
  }

  /** Listens on {@code port} for {@code loop} (for all loops on the NIO fallback), or joins the socket already there. */
  public synchronized Future<Channel> listen(InetAddress address, int port, EventLoop loop, SocketConfig options,
      Acceptor acceptor) {
    Key key = new Key(address, port, perLoop() ? loop : null);
    Entry entry = sockets.get(key);
    if (entry == null) {
      SocketInheritance.Place place = new SocketInheritance.Place(Protocol.TCP, address, port);
      List<FileDescriptor> handed = inheritance.take(place);
      if (handed.isEmpty() && inheritance.holding() && inheritance.wasInherited(place)) {
        // Taking over, and no socket of the old process left for this loop: a fresh one would join the port's
        // SO_REUSEPORT group and queue a share of new clients before this process is sure to start.
        LOG.debug("take-over: no socket handed over for {} on this event loop; it does not accept there", place);
        return Future.succeededFuture(null);
      }
      if (handed.isEmpty()
          && sockets.keySet().stream().noneMatch(k -> k.port() == port && k.address().equals(address))) {
        // SO_REUSEPORT would let us share the port with another process of the same user: refuse that,
        // as a plain bind would, by trying it without the option first.
        try {
          BindCheck.tryBindTcp(address, port);
        } catch (IOException e) {
          return Future.failedFuture(e);
        }
      }
      Entry fresh = new Entry();
      sockets.put(key, fresh);
      fresh.bound.future().onFailure(e -> forget(key, fresh));
      if (!handed.isEmpty()) {
        adopt(place, handed, loop, options, fresh);
      } else {
        bind(place, loop, options, fresh);
      }
      entry = fresh;
    }
    entry.acceptors.add(acceptor);
    entry.current = acceptor;
    return entry.bound.future();
  }

  /** Leaves the socket; the last deployment to leave closes it. */
  public synchronized Future<Void> leave(InetAddress address, int port, EventLoop loop, Acceptor acceptor) {
    Key key = new Key(address, port, perLoop() ? loop : null);
    Entry entry = sockets.get(key);
    if (entry == null || !entry.acceptors.remove(acceptor)) {
      return Future.succeededFuture();
    }
    if (!entry.acceptors.isEmpty()) {
      entry.current = entry.acceptors.get(entry.acceptors.size() - 1);
      return Future.succeededFuture();
    }
    entry.current = null;
    sockets.remove(key);
    return entry.bound.future().compose(channel -> {
      List<Future<Void>> closed = new ArrayList<>();
      synchronized (entry.channels) {
        for (Channel c : entry.channels) {
          Promise<Void> p = Promise.promise();
          c.close().addListener(f -> p.complete());
          closed.add(p.future());
        }
      }
      return Future.all(closed).<Void>mapEmpty();
    }, failed -> Future.succeededFuture());
  }

  private synchronized void forget(Key key, Entry entry) {
    sockets.remove(key, entry);
  }

  private ServerBootstrap bootstrap(EventLoop loop, SocketConfig options, Entry entry) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loop, perLoop() ? loop : allLoops)
        // Reading starts when the relay has a backend to write to.
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel child) {
            Acceptor acceptor = entry.current;
            if (acceptor == null) {
              child.close(); // accepted in the instant its last deployment left
              return;
            }
            acceptor.accept(child);
          }
        });
    if (options.receiveBuffer() > 0) {
      // Set on the listening socket so the window scale of every accepted connection is chosen for it.
      bootstrap.option(ChannelOption.SO_RCVBUF, options.receiveBuffer());
    }
    return bootstrap;
  }

  private void bind(SocketInheritance.Place place, EventLoop loop, SocketConfig options, Entry entry) {
    ServerBootstrap bootstrap = bootstrap(loop, options, entry)
        .channelFactory(transport.serverChannelFactory(false))
        .option(ChannelOption.SO_REUSEADDR, true);
    if (perLoop()) {
      bootstrap.option(reusePort, true);
    }
    if (options.backlog() > 0) {
      bootstrap.option(ChannelOption.SO_BACKLOG, options.backlog());
    }
    bootstrap.bind(new InetSocketAddress(place.address(), place.port())).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        inheritance.opened(place, f.channel(), false);
        synchronized (entry.channels) {
          entry.channels.add(f.channel());
        }
        entry.bound.complete(f.channel());
      } else {
        entry.bound.fail(f.cause());
      }
    });
  }

  /**
   * Serves sockets handed over by the process this one takes over from: already bound and
   * listening. Usually one per loop; several when that process had more event loops.
   */
  private void adopt(SocketInheritance.Place place, List<FileDescriptor> fds, EventLoop loop, SocketConfig options,
      Entry entry) {
    List<Future<Channel>> registered = new ArrayList<>();
    for (FileDescriptor fd : fds) {
      Promise<Channel> one = Promise.promise();
      bootstrap(loop, options, entry)
          .channelFactory(() -> new EpollServerSocketChannel(fd.intValue()))
          // Accepting starts once the whole process has started (SocketInheritance.startReading).
          .option(ChannelOption.AUTO_READ, !inheritance.holding())
          .register().addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
              inheritance.opened(place, f.channel(), true);
              synchronized (entry.channels) {
                entry.channels.add(f.channel());
              }
              one.complete(f.channel());
            } else {
              one.fail(f.cause());
            }
          });
      registered.add(one.future());
    }
    Future.all(registered).onComplete(all -> {
      if (all.succeeded()) {
        entry.bound.complete(registered.get(0).result());
      } else {
        entry.bound.fail(all.cause());
      }
    });
  }

}
