package io.portfw.core.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.portfw.core.observe.WarmCounts;
import io.vertx.core.spi.transport.Transport;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Pool key {@code preconnect}: a {@link WarmPool} on every event loop, and their counts. */
public final class WarmPools {

  private final Map<EventLoop, WarmPool> byLoop = new HashMap<>();
  private final WarmCounts counts;

  public WarmPools(Transport transport, EventLoopGroup loops, Supplier<Collection<WarmPool.Wanted>> wanted, WarmCounts counts) {
    this.counts = counts;
    int n = 0;
    for (EventExecutor ignored : loops) {
      n++;
    }
    Bootstrap base = WarmPool.bootstrap(new Bootstrap()
        .channelFactory(transport.channelFactory(false))
        .handler(BackendConnector.NoHandler.INSTANCE));
    for (EventExecutor executor : loops) {
      EventLoop loop = (EventLoop) executor;
      byLoop.put(loop, new WarmPool(loop, n, base, wanted, counts));
    }
  }

  public void start() {
    byLoop.values().forEach(WarmPool::start);
  }

  public void close() {
    byLoop.values().forEach(WarmPool::close);
  }

  /** The warm connections of {@code loop}; null for a loop that is not one of the group's. */
  WarmPool on(EventLoop loop) {
    return byLoop.get(loop);
  }

  public WarmCounts counts() {
    return counts;
  }
}
