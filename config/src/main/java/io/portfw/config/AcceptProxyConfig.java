package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A listener behind another load balancer: every connection must open with a PROXY protocol
 * header (v1 or v2), and only from {@code trusted} addresses; the header's client address is
 * then the client's for ACLs, limits, hashing and logs.
 *
 * @param timeout how long the header may take to arrive
 */
public record AcceptProxyConfig(List<Cidr> trusted, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public AcceptProxyConfig {
    trusted = List.copyOf(trusted);
    requireNonNull(timeout, "timeout");
  }

  public boolean trusts(java.net.InetAddress peer) {
    return trusted.stream().anyMatch(c -> c.contains(peer));
  }
}
