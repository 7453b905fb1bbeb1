package io.portfw.config;

import static java.util.Objects.requireNonNull;

/**
 * Backends found in DNS for a pool ({@code discover}): one per A/AAAA record of a name at a fixed
 * port, or one per SRV record with the record's port, weight and priority. The records are looked
 * up again when their TTL runs out, within the {@code dns} section's {@code minTtl} and {@code maxTtl}.
 *
 * @param name the name to look up: a host name (A, then AAAA) or an SRV name such as {@code _http._tcp.web.internal}
 * @param srv whether {@code name} is looked up for SRV records
 * @param port the backends' port with A/AAAA records; 0 with SRV (each record gives its own)
 */
public record DiscoverConfig(String name, boolean srv, int port) {

  public DiscoverConfig {
    requireNonNull(name, "name");
    if (srv ? port != 0 : port < 1 || port > 65535) {
      throw new IllegalArgumentException(srv ? "an SRV record gives the port" : "port " + port + " is out of range 1-65535");
    }
  }

  /** Backends for every A (or else AAAA) record of {@code name}, at {@code port}. */
  public static DiscoverConfig addresses(String name, int port) {
    return new DiscoverConfig(name, false, port);
  }

  /** Backends for every SRV record of {@code name}. */
  public static DiscoverConfig srv(String name) {
    return new DiscoverConfig(name, true, 0);
  }

  @Override
  public String toString() {
    return srv ? "srv " + name : name + " port " + port;
  }
}
