package io.portfw.core;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PortfwConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Renders the forwarding table the way {@code ipmasqadm portfw -ln} did: one line per listener
 * and backend, with protocol, local and remote address, weight and active connections.
 */
final class ForwardingTable {

  private static final String[] HEADER = {"prot", "local", "remote", "weight", "active", "listener", "pool"};

  private ForwardingTable() {}

  static String render(PortfwConfig config, Function<String, Pool> pools) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ListenerConfig listener : config.listeners()) {
      Pool pool = pools.apply(listener.pool());
      for (Backend backend : pool.backends()) {
        String remote = backend.address().keepsClientPort() ? backend.address() + ":*" : backend.address().toString();
        rows.add(new String[] {
            listener.protocol().id().toUpperCase(Locale.ROOT),
            listener.listen().toString(),
            remote + (backend.isBackup() ? " (backup)" : ""),
            Integer.toString(backend.weight()),
            Integer.toString(backend.activeConnections()),
            listener.name(),
            pool.name()});
      }
    }
    return format(rows);
  }

  private static String format(List<String[]> rows) {
    int[] width = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        boolean numeric = i == 3 || i == 4;
        String cell = numeric ? " ".repeat(width[i] - row[i].length()) + row[i] : row[i];
        line.append(cell);
        if (i < row.length - 1) {
          line.append(numeric ? "" : " ".repeat(width[i] - row[i].length())).append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }
}
