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
 * that backend can take it; otherwise the strategy picks and the table remembers the new one.
 * A client remembered on a backup returns to the primaries as soon as one can take it.
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

  @Override
  public Backend pick(ClientContext client, Set<Backend> tried) {
    InetAddress source = client.source().getAddress();
    BackendAddress remembered = table.backendOf(source);
    if (remembered != null) {
      Backend b = byAddress.get(remembered);
      if (b != null && Candidates.eligible(b, tried)
          && (!b.isBackup() || !Candidates.anyEligible(primaries, tried))) {
        return b;
      }
    }
    Backend picked = strategy.pick(client, tried);
    if (picked != null) {
      table.remember(source, picked.address());
    }
    return picked;
  }
}
