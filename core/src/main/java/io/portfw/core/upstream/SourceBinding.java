package io.portfw.core.upstream;

import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.SourceAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Where one pool's backend connections are made from: each client's own address ({@code transparent}),
 * a local address the config chose for a backend or for the whole pool ({@code source}). Pools with
 * neither have no binding at all, so their connects stay as they were.
 */
public final class SourceBinding {

  private final boolean transparent;
  private final SourceAddress poolSource;
  private final Map<BackendAddress, SourceAddress> backendSources;

  private SourceBinding(boolean transparent, SourceAddress poolSource, Map<BackendAddress, SourceAddress> backendSources) {
    this.transparent = transparent;
    this.poolSource = poolSource;
    this.backendSources = backendSources;
  }

  /** The binding of every pool of {@code config} that has one. */
  public static Map<String, SourceBinding> byPool(PortfwConfig config) {
    Map<String, SourceBinding> bindings = new HashMap<>();
    for (PoolConfig pool : config.pools()) {
      if (pool.transparent() || pool.bindsSource()) {
        Map<BackendAddress, SourceAddress> own = new HashMap<>();
        for (BackendConfig b : pool.backends()) {
          b.source().ifPresent(s -> own.put(b.address(), s));
        }
        bindings.put(pool.name(), new SourceBinding(pool.transparent(), pool.source().orElse(null), Map.copyOf(own)));
      }
    }
    return Map.copyOf(bindings);
  }

  public boolean transparent() {
    return transparent;
  }

  /** The configured local address for connections to {@code backend}; null when the kernel chooses. */
  SourceAddress sourceOf(BackendAddress backend) {
    SourceAddress own = backendSources.get(backend);
    return own != null ? own : poolSource;
  }

  /**
   * The local address a connection to {@code backend} at {@code ip} binds to: the client's address with
   * port 0 when transparent, the source address with the next port of its range (or 0), or null when
   * the kernel chooses. Throws when the two ends are of different families: no socket can join them.
   */
  public InetSocketAddress localFor(InetSocketAddress client, BackendAddress backend, InetAddress ip, LocalPorts ports) {
    InetAddress from;
    int port = 0;
    if (transparent) {
      from = client.getAddress();
    } else {
      SourceAddress source = sourceOf(backend);
      if (source == null) {
        return null;
      }
      from = source.ip();
      port = source.hasPortRange() ? ports.next(source) : 0;
    }
    if (from.getClass() != ip.getClass()) {
      throw new IllegalStateException((transparent ? "client " : "source ") + from.getHostAddress() + " cannot connect to "
          + ip.getHostAddress() + ": the addresses are of different families");
    }
    return new InetSocketAddress(from, port);
  }
}
