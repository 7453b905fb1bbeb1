package io.portfw.balancing;

import io.portfw.config.BackendAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Client affinity around any strategy: a client goes back to the backend it had, as long as
 * that backend can take it. When it cannot, the strategy picks for this connection; the table
 * only forgets the old backend when that one is gone for good (removed, down, draining,
 * disabled), not when it is merely full or failed one connect, so a blip does not move the
 * client for ever. A client remembered on a backup returns to the primaries as soon as one can
 * take it.
 */
final class Sticky implements LoadBalancer {

  private final LoadBalancer strategy;
  private final StickyTable table;
  private final Map<BackendAddress, Backend> byAddress;
  private final Backend[] primaries;

  Sticky(LoadBalancer strategy, StickyTable table, List<Backend> backends) {
    this.strategy = strategy;
    this.table = table;
    this.byAddress = backends.stream().collect(Collectors.toUnmodifiableMap(Backend::address, Function.identity()));
    this.primaries = Candidates.primaries(backends);
  }

  LoadBalancer strategy() {
    return strategy;
  }

  @Override
  public Backend pick(ClientContext client, Set<Backend> tried) {
    InetAddress source = client.source().getAddress();
    BackendAddress remembered = table.backendOf(source);
    Backend home = remembered == null ? null : byAddress.get(remembered);
    if (home != null && Candidates.eligible(home, tried)
        && (!home.isBackup() || !Candidates.anyEligible(primaries, tried))) {
      return home;
    }
    Backend picked = strategy.pick(client, tried);
    boolean homeGone = home == null || !home.isUsable() || (home.isBackup() && picked != null && !picked.isBackup());
    if (picked != null && homeGone) {
      table.remember(source, picked.address());
    }
    return picked;
  }
}
