package io.portfw.core.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code portfw status}: the listeners, pools and backends of a running portfw, as {@code portfw -ln} showed them. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Prints the listeners, pools and backends of a running portfw, read from its admin API.",
        "With -o json: {\"listeners\": [...], \"pools\": [...]}, as GET /api/v1/listeners and /api/v1/pools answer,",
        "and \"cluster\" as GET /api/v1/cluster answers when the instance runs in a cluster (printed under the table).",
        "Exits 1 when the admin API cannot be reached or refuses the request."})
final class StatusCommand extends AdminCommand {

  @Mixin
  OutputOption output;

  @Override
  OutputOption output() {
    return output;
  }

  @Override
  String exchange(AdminClient client) throws AdminClient.AdminException {
    JsonArray listeners = client.get("/api/v1/listeners").getJsonArray("listeners");
    JsonArray pools = client.get("/api/v1/pools").getJsonArray("pools");
    JsonObject cluster = client.get("/api/v1/cluster");
    boolean clustered = cluster.getBoolean("enabled", false);
    if (output.json()) {
      JsonObject all = new JsonObject().put("listeners", listeners).put("pools", pools);
      return OutputOption.render(clustered ? all.put("cluster", cluster) : all);
    }
    Map<String, JsonObject> poolByName = new HashMap<>();
    pools.forEach(p -> poolByName.put(((JsonObject) p).getString("name"), (JsonObject) p));
    TextTable table = new TextTable(Set.of(3, 5, 6), "prot", "local", "remote", "weight", "state", "active", "total",
        "listener", "pool");
    for (Object l : listeners) {
      JsonObject listener = (JsonObject) l;
      ReachedPools reached = new ReachedPools(listener.getString("pool"));
      for (Object r : listener.getJsonArray("routes", new JsonArray())) {
        reached.route(((JsonObject) r).getString("serverName"), ((JsonObject) r).getString("pool"));
      }
      reached.labels().forEach((name, label) -> {
        JsonObject pool = poolByName.get(name);
        for (Object b : pool == null ? new JsonArray() : pool.getJsonArray("backends")) {
          JsonObject backend = (JsonObject) b;
          table.row(listener.getString("protocol").toUpperCase(Locale.ROOT), listener.getString("listen"),
              backend.getString("address") + (backend.getBoolean("backup") ? " (backup)" : "")
                  + (backend.getString("runtime") != null ? " (runtime: " + backend.getString("runtime") + ")" : "")
                  + (backend.getString("discoveredFrom") != null ? " (dns: " + backend.getString("discoveredFrom") + ")" : ""),
              String.valueOf(backend.getInteger("weight")),
              backend.getString("state") + (backend.getBoolean("ejected") ? " (ejected)" : ""),
              String.valueOf(backend.getLong("active")), String.valueOf(backend.getLong("total")),
              listener.getString("name"), label);
        }
      });
    }
    String text = table + discoveryFailures(pools);
    return clustered ? text + System.lineSeparator() + cluster(cluster) : text;
  }

  /** A line per pool whose DNS discovery gets no answer now: it runs on the last answer's backends. */
  private static String discoveryFailures(JsonArray pools) {
    StringBuilder out = new StringBuilder();
    for (Object p : pools) {
      JsonObject discover = ((JsonObject) p).getJsonObject("discover");
      if (discover != null && discover.getString("failingSince") != null) {
        out.append(System.lineSeparator()).append("pool ").append(((JsonObject) p).getString("name"))
            .append(": discover ").append(discover.getString("question")).append(" failing since ")
            .append(discover.getString("failingSince")).append(" (").append(discover.getString("lastError"))
            .append("), keeping ").append(discover.getInteger("backends")).append(" backend(s)");
      }
    }
    return out.toString();
  }

  /** The group under the table: this member's state, then every member it knows. */
  private static String cluster(JsonObject cluster) {
    TextTable members = new TextTable(Set.of(4), "member", "self", "version", "config", "last contact");
    for (Object m : cluster.getJsonArray("members", new JsonArray())) {
      JsonObject member = (JsonObject) m;
      members.row(member.getString("address"), member.getBoolean("self") ? "*" : "", member.getString("version"),
          member.getString("configHash") + (member.getBoolean("sameConfig") ? "" : " (differs)"),
          member.getLong("lastContactMs") + " ms");
    }
    return "cluster " + cluster.getString("name") + ": " + cluster.getString("message") + System.lineSeparator()
        + members;
  }
}
