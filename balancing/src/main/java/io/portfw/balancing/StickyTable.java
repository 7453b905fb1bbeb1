package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.portfw.config.BackendAddress;
import io.portfw.config.StickyConfig;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Which backend each client address was last given, bounded in size and forgetting a client
 * {@code ttl} after its last connection. Keyed by backend address, not object, so it outlives
 * pool snapshots: a reload that keeps a backend keeps its clients.
 */
public final class StickyTable {

  private final StickyConfig config;
  private final Cache<InetAddress, BackendAddress> entries;
  /** Told of each client this table decides on (not of carried ones); null for an instance alone. */
  private volatile BiConsumer<InetAddress, BackendAddress> onRemember;

  public StickyTable(StickyConfig config, Ticker ticker) {
    this.config = requireNonNull(config, "config");
    this.entries = Caffeine.newBuilder()
        .expireAfterAccess(config.ttl())
        .maximumSize(config.maxEntries())
        .ticker(requireNonNull(ticker, "ticker"))
        .executor(Runnable::run) // maintenance on the caller, not a pool thread: cheap and predictable
        .build();
  }

  public StickyConfig config() {
    return config;
  }

  /** The backend this client last had, or null. */
  public BackendAddress backendOf(InetAddress client) {
    return entries.getIfPresent(client);
  }

  void remember(InetAddress client, BackendAddress backend) {
    entries.put(client, backend);
    BiConsumer<InetAddress, BackendAddress> told = onRemember;
    if (told != null) {
      told.accept(client, backend);
    }
  }

  /**
   * {@code told} hears of every client this table remembers from now on, on the thread that
   * picked (an event loop): it must only hand the entry on. Entries laid in by {@link #carry}
   * are not told, so what a cluster member receives is not sent back out.
   */
  public void onRemember(BiConsumer<InetAddress, BackendAddress> told) {
    this.onRemember = told;
  }

  /** Every client remembered now and its backend, for a process that takes this one over. */
  public Map<InetAddress, BackendAddress> entries() {
    return Map.copyOf(entries.asMap());
  }

  /** Clients remembered elsewhere (the process this one took over, a cluster member); each one's time to live starts again. */
  public void carry(Map<InetAddress, BackendAddress> remembered) {
    entries.putAll(remembered);
  }

  public long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }
}
