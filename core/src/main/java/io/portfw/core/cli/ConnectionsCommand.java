package io.portfw.core.cli;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portfw connections}: the live connections of a running portfw, like the old masquerading table. */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = {"Prints the live TCP connections and UDP sessions of a running portfw: protocol, client, the local port it",
        "reached, listener, backend with its port, age, idle time, time left before the idle timeout, and bytes.",
        "With -o json: the answer of GET /api/v1/connections (connections, shown, total).",
        "Exits 1 when the admin API cannot be reached or refuses the request."})
final class ConnectionsCommand extends AdminCommand {

  @Mixin
  OutputOption output;

  @Override
  OutputOption output() {
    return output;
  }

  @Option(names = "--limit", defaultValue = "100", description = "show at most this many (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--listener", description = "only this listener's")
  String listener;

  @Option(names = "--pool", description = "only this pool's")
  String pool;

  @Option(names = "--backend", description = "only those to this backend (as written in the config)")
  String backend;

  @Override
  String exchange(AdminClient client) throws AdminClient.AdminException {
    StringBuilder query = new StringBuilder("/api/v1/connections?limit=" + limit);
    param(query, "listener", listener);
    param(query, "pool", pool);
    param(query, "backend", backend);
    JsonObject answer = client.get(query.toString());
    if (output.json()) {
      return OutputOption.render(answer);
    }
    TextTable table = new TextTable(Set.of(2, 6, 7, 8, 9, 10), "prot", "client", "port", "listener", "backend", "pool",
        "age", "idle", "expires", "from client", "from backend");
    answer.getJsonArray("connections").forEach(c -> {
      JsonObject conn = (JsonObject) c;
      Long expires = conn.getLong("expiresInMs");
      table.row(conn.getString("protocol", "tcp").toUpperCase(Locale.ROOT), conn.getString("client"),
          String.valueOf(conn.getInteger("localPort")), conn.getString("listener"),
          conn.getString("backend") == null ? "(connecting)" : conn.getString("backend"), conn.getString("pool"),
          age(conn.getLong("ageMs")), age(conn.getLong("idleMs")), expires == null ? "-" : age(expires),
          String.valueOf(conn.getLong("bytesFromClient")), String.valueOf(conn.getLong("bytesFromBackend")));
    });
    return table.toString() + answer.getInteger("shown") + " of " + answer.getInteger("total") + " connections"
        + System.lineSeparator();
  }

  private static void param(StringBuilder query, String name, String value) {
    if (value != null) {
      query.append('&').append(name).append('=').append(AdminClient.segment(value));
    }
  }

  /** {@code 42s}, {@code 3m05s}, {@code 2h01m}. */
  static String age(long millis) {
    long s = millis / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
  }
}
