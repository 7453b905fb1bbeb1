package io.portfw.core.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.PreconnectConfig;
import io.portfw.core.observe.WarmCounts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The warm backend connections of one event loop, for the clients that loop accepts (a client
 * and its backend connection share a loop). Once a second it closes the connections that are too
 * old or whose backend is no longer usable and tops each usable backend up to its share; a
 * connection handed out is replaced at once. Confined to its loop.
 */
public final class WarmPool {

  /** What the pools want: each pool with {@code preconnect} set, as the runtime has them now. */
  public record Wanted(Pool pool, PreconnectConfig preconnect) {}

  private static final long SWEEP_MILLIS = 1_000;

  private final EventLoop loop;
  private final int loops;
  private final Bootstrap bootstrap;
  private final Supplier<Collection<Wanted>> wanted;
  private final WarmCounts counts;
  private final Map<Backend, ArrayDeque<WarmConnection>> idle = new HashMap<>();
  private final Map<Backend, Integer> connecting = new HashMap<>();
  /** Each backend's setting as the last sweep found it: what a hand-out refills to. */
  private Map<Backend, PreconnectConfig> targets = Map.of();
  private ScheduledFuture<?> sweeper;

  WarmPool(EventLoop loop, int loops, Bootstrap bootstrap, Supplier<Collection<Wanted>> wanted, WarmCounts counts) {
    this.loop = loop;
    this.loops = loops;
    this.bootstrap = bootstrap.clone(loop);
    this.wanted = wanted;
    this.counts = counts;
  }

  void start() {
    sweeper = loop.scheduleWithFixedDelay(this::sweep, 0, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  void close() {
    loop.execute(() -> {
      if (sweeper != null) {
        sweeper.cancel(false);
      }
      idle.values().forEach(connections -> connections.forEach(WarmConnection::close));
    });
  }

  /** A live warm connection to {@code backend}, or null; call on this loop. The newest is the likeliest alive. */
  WarmConnection take(Backend backend) {
    ArrayDeque<WarmConnection> ready = idle.get(backend);
    if (ready == null) {
      return null;
    }
    PreconnectConfig setting = targets.get(backend);
    long now = System.nanoTime();
    for (WarmConnection w; (w = ready.pollLast()) != null; ) {
      counts.changeIdle(backend, -1);
      if (w.isUsable() && setting != null && w.ageNanos(now) < setting.maxIdle().toNanos()) {
        counts.handedOut(backend);
        loop.execute(() -> topUp(backend));
        return w;
      }
      w.close();
    }
    return null;
  }

  private void sweep() {
    Map<Backend, PreconnectConfig> next = new HashMap<>();
    for (Wanted w : wanted.get()) {
      for (Backend backend : w.pool().backends()) {
        if (backend.isUsable() && !backend.isBackup()) {
          next.put(backend, w.preconnect());
        }
      }
    }
    targets = next;
    long now = System.nanoTime();
    List<WarmConnection> stale = new ArrayList<>();
    for (Iterator<Map.Entry<Backend, ArrayDeque<WarmConnection>>> it = idle.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Backend, ArrayDeque<WarmConnection>> entry = it.next();
      PreconnectConfig setting = next.get(entry.getKey());
      entry.getValue().removeIf(w -> {
        boolean old = setting == null || !w.isUsable() || w.ageNanos(now) >= setting.maxIdle().toNanos();
        if (old) {
          counts.changeIdle(entry.getKey(), -1);
          stale.add(w);
        }
        return old;
      });
      if (entry.getValue().isEmpty()) {
        it.remove();
      }
    }
    stale.forEach(WarmConnection::close); // after the walk: a close may call back into lost()
    next.keySet().forEach(this::topUp);
  }

  /** Opens what this loop's share for {@code backend} lacks. A failed connect waits for the next sweep. */
  private void topUp(Backend backend) {
    PreconnectConfig setting = targets.get(backend);
    InetAddress ip = backend.ip();
    if (setting == null || ip == null || !backend.isUsable()) {
      return;
    }
    int share = (setting.connections() + loops - 1) / loops;
    ArrayDeque<WarmConnection> ready = idle.get(backend);
    long usable = ready == null ? 0 : ready.stream().filter(WarmConnection::isUsable).count();
    int missing = share - (int) usable - connecting.getOrDefault(backend, 0);
    for (int i = 0; i < missing; i++) {
      connecting.merge(backend, 1, Integer::sum);
      bootstrap.connect(new InetSocketAddress(ip, backend.address().port())).addListener((ChannelFutureListener) f -> {
        connecting.merge(backend, -1, Integer::sum);
        if (f.isSuccess()) {
          keep(backend, ip, f.channel());
        }
      });
    }
  }

  private void keep(Backend backend, InetAddress ip, Channel channel) {
    if (!targets.containsKey(backend)) {
      channel.close(); // unwanted since the connect began
      return;
    }
    WarmConnection warm = new WarmConnection(channel, backend, ip, this::lost);
    // Added before this loop's next read: nothing the backend sends can pass it by.
    channel.pipeline().addLast(WarmConnection.HANDLER_NAME, warm);
    channel.config().setAutoRead(true);
    idle.computeIfAbsent(backend, b -> new ArrayDeque<>()).add(warm);
    counts.changeIdle(backend, +1);
  }

  /** The backend closed or reset an idle one: it goes; the next sweep replaces it. */
  private void lost(WarmConnection w) {
    ArrayDeque<WarmConnection> ready = idle.get(w.backend());
    if (ready != null && ready.remove(w)) {
      counts.changeIdle(w.backend(), -1);
    }
  }

  /** The options of every warm connection: the relay sets the rest when it hands one out. */
  static Bootstrap bootstrap(Bootstrap base) {
    return base.option(ChannelOption.AUTO_READ, false).option(ChannelOption.ALLOW_HALF_CLOSURE, false);
  }
}
