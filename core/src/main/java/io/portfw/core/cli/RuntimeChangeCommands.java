package io.portfw.core.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's runtime changes from the command line, each one request to the admin API:
 * {@code weight}, {@code add-backend}, {@code remove-backend}, {@code kill} and {@code save}.
 * They last across reloads until the file changes that backend, or until {@code save} writes
 * them into the file.
 */
final class RuntimeChangeCommands {

  private RuntimeChangeCommands() {}

  private static String backendPath(String pool, String address) {
    return "/api/v1/pools/" + AdminClient.segment(pool) + "/backends/" + AdminClient.segment(address);
  }

  @Command(name = "weight", mixinStandardHelpOptions = true,
      description = {"Sets a backend's weight at runtime (0: no new clients, its live ones go on).",
          "Exits 1 when the admin API refuses (unknown pool or backend, weight out of range)."})
  static final class Weight extends AdminCommand {
    @Parameters(index = "0", paramLabel = "POOL", description = "the pool's name") String pool;
    @Parameters(index = "1", paramLabel = "ADDRESS", description = "the backend as the config names it") String address;
    @Parameters(index = "2", paramLabel = "N", description = "0 to 256") long weight;

    @Override
    String exchange(AdminClient client) throws AdminClient.AdminException {
      JsonObject a = client.post(backendPath(pool, address) + "/weight", new JsonObject().put("weight", weight));
      return "pool " + a.getString("pool") + ": backend " + a.getString("backend") + " weight "
          + a.getInteger("previousWeight") + " -> " + a.getInteger("weight") + " (runtime change)" + System.lineSeparator();
    }
  }

  @Command(name = "add-backend", mixinStandardHelpOptions = true,
      description = {"Adds a backend to a pool at runtime.", "Exits 1 when the admin API refuses (unknown pool, "
          + "a backend of that address already, an address that is not one)."})
  static final class AddBackend extends AdminCommand {
    @Parameters(index = "0", paramLabel = "POOL", description = "the pool's name") String pool;
    @Parameters(index = "1", paramLabel = "ADDRESS", description = "host:port, as in the config") String address;
    @Option(names = "--weight", paramLabel = "N", description = "its weight (default 1)") Integer weight;
    @Option(names = "--backup", description = "a backup, used when no other backend can take a client") boolean backup;
    @Option(names = "--max-connections", paramLabel = "N", description = "its connection limit (default none)")
    Integer maxConnections;

    @Override
    String exchange(AdminClient client) throws AdminClient.AdminException {
      JsonObject backend = new JsonObject().put("address", address);
      if (weight != null) {
        backend.put("weight", weight);
      }
      if (backup) {
        backend.put("backup", true);
      }
      if (maxConnections != null) {
        backend.put("maxConnections", maxConnections);
      }
      JsonObject a = client.post("/api/v1/pools/" + AdminClient.segment(pool) + "/backends", backend);
      return "pool " + a.getString("pool") + ": backend " + a.getString("backend") + " added, weight "
          + a.getInteger("weight") + " (runtime change)" + System.lineSeparator();
    }
  }

  @Command(name = "remove-backend", mixinStandardHelpOptions = true,
      description = {"Removes a backend from a pool at runtime: its live connections go on, nothing new goes to it.",
          "Exits 1 when the admin API refuses (unknown pool or backend, the pool's last backend)."})
  static final class RemoveBackend extends AdminCommand {
    @Parameters(index = "0", paramLabel = "POOL", description = "the pool's name") String pool;
    @Parameters(index = "1", paramLabel = "ADDRESS", description = "the backend as the config names it") String address;

    @Override
    String exchange(AdminClient client) throws AdminClient.AdminException {
      JsonObject a = client.delete(backendPath(pool, address));
      return "pool " + a.getString("pool") + ": backend " + a.getString("backend") + " removed, "
          + a.getLong("active") + " live connection(s) drain (runtime change)" + System.lineSeparator();
    }
  }

  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = {"Closes a live connection or UDP session (the ids portfw connections lists).",
          "Exits 1 when there is no such live connection."})
  static final class Kill extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "the connection's id, as GET /api/v1/connections lists it")
    long id;

    @Override
    String exchange(AdminClient client) throws AdminClient.AdminException {
      JsonObject a = client.delete("/api/v1/connections/" + id);
      return "connection " + a.getLong("id") + " (" + a.getString("client") + ", listener " + a.getString("listener")
          + ") closed" + System.lineSeparator();
    }
  }

  @Command(name = "save", mixinStandardHelpOptions = true,
      description = {"Writes the runtime changes into the config file (an atomic rename; the file then reads as what runs).",
          "Exits 1 when it cannot (portfw was not started from a file, the file cannot be written)."})
  static final class Save extends AdminCommand {
    @Override
    String exchange(AdminClient client) throws AdminClient.AdminException {
      return client.post("/api/v1/config/save").getString("saved") + System.lineSeparator();
    }
  }
}
