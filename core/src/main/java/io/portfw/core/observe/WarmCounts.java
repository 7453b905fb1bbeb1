package io.portfw.core.observe;

import io.portfw.balancing.Backend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Warm connections per backend over every event loop, for the admin API and metrics. */
public final class WarmCounts {

  private final Map<Backend, AtomicInteger> idle = new ConcurrentHashMap<>();
  private final Map<Backend, LongAdder> used = new ConcurrentHashMap<>();

  public void changeIdle(Backend backend, int delta) {
    idle.computeIfAbsent(backend, b -> new AtomicInteger()).addAndGet(delta);
  }

  public void handedOut(Backend backend) {
    used.computeIfAbsent(backend, b -> new LongAdder()).increment();
  }

  /** Warm connections waiting for a client now. */
  public int idle(Backend backend) {
    AtomicInteger n = idle.get(backend);
    return n == null ? 0 : n.get();
  }

  /** Clients that were given a warm connection instead of waiting for a connect. */
  public long used(Backend backend) {
    LongAdder n = used.get(backend);
    return n == null ? 0 : n.sum();
  }
}
