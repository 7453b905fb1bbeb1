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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets a take-over passes from one portfw process to the next. The running
 * process lists every socket it listens on (TCP and UDP, one per event loop and port); a process
 * that takes over is handed their descriptors and opens its listeners on them instead of binding,
 * so the kernel's accept queues and datagram buffers are never closed and nothing in them is lost.
 *
 * <p>Every socket handed over for a port the new config keeps is served: with fewer event loops
 * than the old process had, a loop serves several (a socket left unserved would stay in the
 * port's SO_REUSEPORT group and take a share of new clients that nobody accepts). Sockets taken
 * over do not read until {@link #startReading()}: a new process that fails to start has accepted
 * nothing, and the one it would have replaced goes on serving every client.
 */
public final class SocketInheritance {

  private static final Logger LOG = LoggerFactory.getLogger(SocketInheritance.class);

  /** Where a socket listens. */
  public record Place(Protocol protocol, InetAddress address, int port) {
    @Override
    public String toString() {
      return protocol.name().toLowerCase(Locale.ROOT) + " " + address.getHostAddress() + ":" + port;
    }
  }

  /** A listening socket to hand on: where it listens, its descriptor, and (on the running side) its channel. */
  public record Handed(Place place, FileDescriptor fd, Channel channel) {}

  /** A handed-over descriptor with its position in the list the running process sent. */
  private record Numbered(int index, FileDescriptor fd) {}

  private final int loops;
  private final Map<Channel, Place> open = new LinkedHashMap<>();
  /** Per place, the descriptors handed over, in groups: one group per event loop that serves the place. */
  private final Map<Place, Deque<List<Numbered>>> inherited = new LinkedHashMap<>();
  private final Set<Place> inheritedPlaces = new HashSet<>();
  private final Set<Integer> taken = new HashSet<>();
  /** Sockets taken over, not reading until the process has started. */
  private final List<Channel> held = new ArrayList<>();
  private boolean reading = true;

  /** {@code loops}: how many event loops serve each port here. */
  public SocketInheritance(int loops) {
    this.loops = Math.max(1, loops);
  }

  /** Sockets handed over by the process this one takes over from, in the order they were listed. */
  public synchronized void inherit(List<Handed> sockets) {
    reading = false;
    Map<Place, List<Numbered>> byPlace = new LinkedHashMap<>();
    for (int i = 0; i < sockets.size(); i++) {
      byPlace.computeIfAbsent(sockets.get(i).place(), p -> new ArrayList<>()).add(new Numbered(i, sockets.get(i).fd()));
    }
    byPlace.forEach((place, fds) -> {
      int groups = Math.min(loops, fds.size());
      List<List<Numbered>> split = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        split.add(new ArrayList<>());
      }
      for (int j = 0; j < fds.size(); j++) {
        split.get(j % groups).add(fds.get(j));
      }
      inherited.put(place, new ArrayDeque<>(split));
      inheritedPlaces.add(place);
    });
  }

  /** Whether {@code place} was handed over: a fresh socket beside those would share their port. */
  public synchronized boolean wasInherited(Place place) {
    return inheritedPlaces.contains(place);
  }

  /** The handed-over descriptors one event loop serves for {@code place}; empty when none are left. */
  public synchronized List<FileDescriptor> take(Place place) {
    Deque<List<Numbered>> groups = inherited.get(place);
    List<Numbered> group = groups == null ? null : groups.poll();
    if (group == null) {
      return List.of();
    }
    group.forEach(n -> taken.add(n.index()));
    return group.stream().map(Numbered::fd).toList();
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

  /** The positions, in the running process's list, of the sockets this process serves. */
  public synchronized Set<Integer> taken() {
    return Set.copyOf(taken);
  }

  /**
   * The process has started: the sockets taken over accept and read from now on. Descriptors no
   * listener took (the new config dropped the port) are closed here; the running process closes
   * its own copies once told which were taken.
   */
  public void startReading() {
    List<Channel> release;
    synchronized (this) {
      reading = true;
      release = List.copyOf(held);
      held.clear();
      inheritedPlaces.clear(); // the take-over is done: a port bound from now on is bound as usual
    }
    release.forEach(c -> c.eventLoop().execute(() -> c.config().setAutoRead(true)));
    closeUnclaimed();
  }

  /** Closes the handed-over descriptors no listener took (also when this process fails to start). */
  public void closeUnclaimed() {
    Map<Place, Deque<List<Numbered>>> left;
    synchronized (this) {
      left = new LinkedHashMap<>(inherited);
      inherited.clear();
    }
    left.forEach((place, groups) -> groups.forEach(group -> group.forEach(n -> {
      LOG.info("take-over: {} is not in this config: its socket closes", place);
      try {
        n.fd().close();
      } catch (IOException e) {
        LOG.debug("closing a socket not taken over: {}", e.getMessage());
      }
    })));
  }

  /** Every socket this process listens on, with its descriptor and channel, for a take-over. */
  public synchronized List<Handed> listening() {
    List<Handed> all = new ArrayList<>();
    open.forEach((channel, place) -> {
      if (channel.isOpen() && channel instanceof UnixChannel unix) {
        all.add(new Handed(place, unix.fd(), channel));
      }
    });
    return all;
  }

  /**
   * Another process serves these sockets now: this one stops accepting and reading on those it
   * took ({@code taken}: positions in {@code handed}), which stay open, so replies of UDP sessions
   * still leave through them until the drain closes them; those it did not take (ports its
   * config dropped) are closed, so the kernel stops giving them clients.
   */
  public Future<Void> handedOver(List<Handed> handed, Set<Integer> taken) {
    List<Future<Void>> stopped = new ArrayList<>();
    for (int i = 0; i < handed.size(); i++) {
      Channel c = handed.get(i).channel();
      if (!taken.contains(i)) {
        LOG.info("take-over: {} is not in the new process's config: its socket closes", handed.get(i).place());
        c.close();
        continue;
      }
      Promise<Void> done = Promise.promise();
      try {
        c.eventLoop().execute(() -> {
          c.config().setAutoRead(false);
          done.complete();
        });
      } catch (RejectedExecutionException closing) {
        done.complete(); // its loop is shutting down: it reads nothing more anyway
      }
      stopped.add(done.future());
    }
    return Future.all(stopped).mapEmpty();
  }
}
