package io.portfw.core.upstream;

import io.portfw.config.PoolConfig;
import io.portfw.core.observe.QueueStats;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The waiting line of every pool that has one ({@code queue}), kept across reloads while the pool keeps its line. */
public final class WaitQueues {

  private final Map<String, WaitQueue> byPool = new ConcurrentHashMap<>();

  /** Brings the lines to a config: new ones made, settings changed in place (waiting clients stay), removed ones emptied. */
  public void apply(Collection<PoolConfig> pools) {
    Map<String, PoolConfig> wanted = new HashMap<>();
    pools.stream().filter(p -> p.queue().isPresent()).forEach(p -> wanted.put(p.name(), p));
    byPool.keySet().removeIf(name -> {
      if (wanted.containsKey(name)) {
        return false;
      }
      WaitQueue gone = byPool.get(name);
      while (!gone.isEmpty()) {
        gone.freed(); // each tries once more: a backend, or the refusal a pool without a line gives
      }
      return true;
    });
    wanted.forEach((name, p) -> byPool.compute(name, (n, q) -> {
      if (q == null) {
        return new WaitQueue(p.queue().get());
      }
      q.config(p.queue().get());
      return q;
    }));
    byPool.values().forEach(WaitQueue::freed); // settings may have made room (a weight, a backend added)
  }

  /** The pool's line, or null when it has none. */
  WaitQueue of(String pool) {
    return byPool.get(pool);
  }

  /** A slot of the pool freed (a connection ended, a connect failed). */
  void freed(String pool) {
    WaitQueue q = byPool.get(pool);
    if (q != null) {
      q.freed();
    }
  }

  /** Each line's stats, for the metrics and the API. */
  public Map<String, QueueStats> stats() {
    Map<String, QueueStats> out = new HashMap<>();
    byPool.forEach((name, q) -> out.put(name, q.stats()));
    return out;
  }
}
