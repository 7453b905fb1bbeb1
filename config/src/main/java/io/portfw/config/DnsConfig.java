package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How backend host names are resolved: each name is looked up again when its answer's TTL runs
 * out (kept within {@code minTtl} and {@code maxTtl}), in the background, and a changed answer
 * moves the backend's new connections to the new address.
 *
 * @param servers the DNS servers to ask, IP literals with an optional port; empty for the system's ({@code /etc/resolv.conf})
 * @param minTtl the shortest time an answer is kept, and the wait before retrying a failed lookup
 * @param maxTtl the longest time an answer is kept, however long its TTL
 * @param timeout how long one lookup may take
 */
public record DnsConfig(List<BackendAddress> servers, Duration minTtl, Duration maxTtl, Duration timeout) {

  public static final DnsConfig DEFAULT =
      new DnsConfig(List.of(), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(2));

  public DnsConfig {
    servers = List.copyOf(servers);
    requireNonNull(minTtl, "minTtl");
    requireNonNull(maxTtl, "maxTtl");
    requireNonNull(timeout, "timeout");
    if (minTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("minTtl must not exceed maxTtl");
    }
  }
}
