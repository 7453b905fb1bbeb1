package io.portfw.core.upstream;

import io.netty.channel.epoll.Epoll;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether this process can make connections from its clients' addresses: IP_TRANSPARENT needs the
 * CAP_NET_ADMIN capability and a native socket (the NIO transport cannot set the option). Asked before
 * a config with a {@code transparent} pool starts, so that it is refused with why, not on the first client.
 */
public final class TransparentSupport {

  private static final int CAP_NET_ADMIN = 12;

  private TransparentSupport() {}

  /** Why the transparent pools of {@code config} cannot run here; empty when they can, or there are none. */
  public static Optional<String> refusal(PortfwConfig config) {
    List<String> pools = config.pools().stream().filter(PoolConfig::transparent).map(PoolConfig::name).toList();
    if (pools.isEmpty()) {
      return Optional.empty();
    }
    String which = "pool" + (pools.size() > 1 ? "s " : " ") + String.join(", ", pools);
    if (!hasNetAdmin()) {
      return Optional.of(which + ": \"transparent\" needs the CAP_NET_ADMIN capability, which this process lacks"
          + " (run portfw as root, or give it the capability: AmbientCapabilities=CAP_NET_ADMIN in its systemd unit;"
          + " see docs/transparent.md)");
    }
    if (!Epoll.isAvailable()) {
      return Optional.of(which + ": \"transparent\" needs the native epoll transport, which is not available here ("
          + Epoll.unavailabilityCause() + ")");
    }
    return Optional.empty();
  }

  /** The effective capability set of this process, as the kernel lists it in /proc/self/status. */
  static boolean hasNetAdmin() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return new BigInteger(line.substring("CapEff:".length()).strip(), 16).testBit(CAP_NET_ADMIN);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false; // no /proc: not Linux, where IP_TRANSPARENT does not exist either
    }
    return false;
  }
}
