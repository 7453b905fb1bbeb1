package io.portfw.core.cli;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PortfwConfig;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Renders the forwarding table the way {@code ipmasqadm portfw -ln} did: one line per listener
 * and backend, with protocol, local and remote address, weight and active connections. A
 * listener that routes by TLS server name lists the backends of every pool it reaches, each
 * named with the server names that lead there.
 */
public final class ForwardingTable {

  private ForwardingTable() {}

  public static String render(PortfwConfig config, Function<String, Pool> pools) {
    TextTable table = new TextTable(Set.of(3, 4), "prot", "local", "remote", "weight", "active", "listener", "pool");
    for (ListenerConfig listener : config.listeners()) {
      ReachedPools reached = new ReachedPools(listener.pool());
      listener.sni().ifPresent(sni -> sni.routes().forEach(r -> reached.route(r.serverName(), r.pool())));
      reached.labels().forEach((name, shown) -> {
        Pool pool = pools.apply(name);
        if (pool == null) {
          return;
        }
        for (Backend backend : pool.backends()) {
          String remote = backend.address().keepsClientPort() ? backend.address() + ":*" : backend.address().toString();
          table.row(
              listener.protocol().id().toUpperCase(Locale.ROOT),
              listener.listen().toString(),
              remote + (backend.isBackup() ? " (backup)" : ""),
              Integer.toString(backend.weight()),
              Integer.toString(backend.activeConnections()),
              listener.name(),
              shown);
        }
      });
    }
    return table.toString();
  }
}
