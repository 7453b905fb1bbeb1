package io.portfw.core.listener;

import io.netty.channel.Channel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.portfw.config.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets a take-over passes from one portfw process to the next. The running
 * process lists every socket it listens on (TCP and UDP, one per event loop and port); a process
 * that takes over is handed their descriptors and opens its listeners on them instead of binding,
 * so the kernel's accept queues and datagram buffers are never closed and nothing in them is lost.
 *
 * <p>Sockets taken over do not read until {@link #startReading()}: a new process that fails to
 * start has accepted nothing, and the one it would have replaced goes on serving every client.
 */
public final class SocketInheritance {

  private static final Logger LOG = LoggerFactory.getLogger(SocketInheritance.class);

  /** Where a socket listens. */
  public record Place(Protocol protocol, InetAddress address, int port) {
    @Override
    public String toString() {
      return protocol.name().toLowerCase(java.util.Locale.ROOT) + " " + address.getHostAddress() + ":" + port;
    }
  }

  /** A listening socket to hand on: where it listens and its descriptor in this process. */
  public record Handed(Place place, FileDescriptor fd) {}

  private final Map<Channel, Place> open = new LinkedHashMap<>();
  private final Map<Place, Deque<FileDescriptor>> inherited = new LinkedHashMap<>();
  private final Set<Place> inheritedPlaces = new HashSet<>();
  /** Sockets taken over, not reading until the process has started. */
  private final List<Channel> held = new ArrayList<>();
  private boolean reading = true;

  /** Sockets handed over by the process this one takes over from, in the order they were listed. */
  public synchronized void inherit(List<Handed> sockets) {
    reading = false;
    for (Handed h : sockets) {
      inherited.computeIfAbsent(h.place(), p -> new ArrayDeque<>()).add(h.fd());
      inheritedPlaces.add(h.place());
    }
  }

  /** Whether {@code place} was handed over: a fresh socket beside those would share their port. */
  public synchronized boolean wasInherited(Place place) {
    return inheritedPlaces.contains(place);
  }

  /** One handed-over descriptor for {@code place}, or null when none is left. */
  public synchronized FileDescriptor take(Place place) {
    Deque<FileDescriptor> fds = inherited.get(place);
    return fds == null ? null : fds.poll();
  }

  /**
   * Counts a socket this process listens on, to be handed on by a later take-over; a socket taken
   * over does not read until {@link #startReading()}.
   */
  public synchronized void opened(Place place, Channel channel, boolean takenOver) {
    open.put(channel, place);
    channel.closeFuture().addListener(f -> closed(channel));
    if (takenOver && !reading) {
      held.add(channel);
    }
  }

  private synchronized void closed(Channel channel) {
    open.remove(channel);
    held.remove(channel);
  }

  /** Whether sockets taken over wait for {@link #startReading()} (a channel opened now must not read yet). */
  public synchronized boolean holding() {
    return !reading;
  }

  /**
   * The process has started: the sockets taken over accept and read from now on. Descriptors no
   * listener took (the new config dropped the port, or has fewer event loops) are closed.
   */
  public void startReading() {
    List<Channel> release;
    List<Map.Entry<Place, FileDescriptor>> unclaimed = new ArrayList<>();
    synchronized (this) {
      reading = true;
      release = List.copyOf(held);
      held.clear();
      inherited.forEach((place, fds) -> fds.forEach(fd -> unclaimed.add(Map.entry(place, fd))));
      inherited.clear();
      inheritedPlaces.clear(); // the take-over is done: a port bound from now on is bound as usual
    }
    release.forEach(c -> c.eventLoop().execute(() -> c.config().setAutoRead(true)));
    for (Map.Entry<Place, FileDescriptor> u : unclaimed) {
      LOG.info("take-over: {} is not in this config (or has no event loop here): its socket closes", u.getKey());
      try {
        u.getValue().close();
      } catch (IOException e) {
        LOG.debug("closing a socket not taken over: {}", e.getMessage());
      }
    }
  }

  /** Every socket this process listens on, with its descriptor, for a take-over. */
  public synchronized List<Handed> listening() {
    List<Handed> all = new ArrayList<>();
    open.forEach((channel, place) -> {
      if (channel.isOpen() && channel instanceof UnixChannel unix) {
        all.add(new Handed(place, unix.fd()));
      }
    });
    return all;
  }

  /**
   * Stops accepting and reading on every listening socket (another process serves them now):
   * they stay open, so replies of UDP sessions still leave through them, until the drain closes
   * them.
   */
  public Future<Void> stopReading() {
    List<Channel> all;
    synchronized (this) {
      all = List.copyOf(open.keySet());
    }
    List<Future<Void>> stopped = new ArrayList<>();
    for (Channel c : all) {
      Promise<Void> done = Promise.promise();
      try {
        c.eventLoop().execute(() -> {
          c.config().setAutoRead(false);
          done.complete();
        });
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        done.complete(); // its loop is shutting down: it reads nothing more anyway
      }
      stopped.add(done.future());
    }
    return Future.all(stopped).mapEmpty();
  }
}
