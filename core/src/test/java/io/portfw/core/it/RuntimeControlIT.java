package io.portfw.core.it;

import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static io.portfw.testing.Clients.endsWithin;
import static io.portfw.testing.Clients.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.ConfigLoader;
import io.portfw.config.PoolConfig;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime changes an operator makes to a running portfw (weight, add, remove, kill, save),
 * from the command line and the API, against a process started from a config file: each changes
 * where new connections go and nothing else, lasts across a reload, gives way when the file
 * changes that backend, and is written into the file by save.
 */
class RuntimeControlIT {

  @TempDir
  Path dir;

  private Path config(int port, int adminPort, EchoBackend... backends) throws Exception {
    StringBuilder list = new StringBuilder();
    for (EchoBackend b : backends) {
      list.append(list.isEmpty() ? "" : ", ").append("{ \"address\": \"").append(b.address()).append("\" }");
    }
    return Files.writeString(dir.resolve("portfw.json"), """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ %s ] } ] }
        """.formatted(adminPort, port, list));
  }

  private static String ok(PortfwProcess p) throws Exception {
    assertThat(p.exitCode()).as(p.stderr()).isZero();
    return p.stdout();
  }

  private static PortfwProcess cli(Path file, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = file.toString();
    PortfwProcess p = PortfwProcess.start(all);
    p.exitCode();
    return p;
  }

  private static void connections(int port, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      try (Socket s = connect(port)) {
        assertThat(echo(s, "x" + i)).isEqualTo("x" + i);
      }
    }
  }

  @Test
  void weightAddRemoveKillSave_changeWhereConnectionsGo_lastAcrossAReload_andAreSaved() throws Exception {
    int port = Ports.free();
    int adminPort = Ports.free();
    try (EchoBackend a = new EchoBackend(); EchoBackend b = new EchoBackend(); EchoBackend c = new EchoBackend()) {
      Path file = config(port, adminPort, a, b);
      try (PortfwProcess portfw = PortfwProcess.start("run", "--config", file.toString()).awaitListening(port)) {
        AdminHttp admin = new AdminHttp("http://127.0.0.1:" + adminPort);

        assertThat(ok(cli(file, "weight", "web", a.address(), "0"))).contains("weight 1 -> 0 (runtime change)");
        int aBefore = a.accepted();
        connections(port, 6);
        assertThat(a.accepted()).as("weight 0: no new clients").isEqualTo(aBefore);

        assertThat(ok(cli(file, "add-backend", "web", c.address(), "--weight", "2"))).contains("added, weight 2");
        connections(port, 6);
        assertThat(c.accepted()).as("the added backend takes its share").isGreaterThanOrEqualTo(3);

        Socket heldOnB;
        do { // a live connection on b, which is about to be removed
          heldOnB = connect(port);
          echo(heldOnB, "probe");
        } while (!onBackend(admin, heldOnB, b));
        assertThat(ok(cli(file, "remove-backend", "web", b.address()))).contains("removed, 1 live connection(s) drain");
        int bBefore = b.accepted();
        connections(port, 6);
        assertThat(b.accepted()).as("removed: no new clients").isEqualTo(bBefore);
        assertThat(echo(heldOnB, "still")).as("its live connection goes on").isEqualTo("still");

        JsonObject pool = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0);
        assertThat(backend(pool, a.address()).getString("runtime")).isEqualTo("weight 1 -> 0");
        assertThat(backend(pool, c.address()).getString("runtime")).isEqualTo("added");
        assertThat(pool.getJsonArray("removedAtRuntime")).containsExactly(b.address());
        assertThat(ok(cli(file, "status"))).contains(a.address() + " (runtime: weight 1 -> 0)");

        // A reload of an unchanged file keeps every runtime change.
        Files.writeString(file, Files.readString(file) + "\n");
        JsonObject reloaded = admin.post("/api/v1/reload").json();
        assertThat(reloaded.getString("outcome")).isIn("applied", "unchanged");
        pool = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0);
        assertThat(backend(pool, a.address()).getInteger("weight")).isZero();
        assertThat(backend(pool, c.address())).isNotNull();

        // Kill: the listed connection on b is closed at the operator's word.
        long id = idOf(admin, heldOnB);
        assertThat(ok(cli(file, "kill", String.valueOf(id)))).contains("connection " + id);
        assertThat(endsWithin(heldOnB, 10_000)).as("closed").isTrue();

        assertThat(ok(cli(file, "save"))).contains("saved 3 runtime changes to " + file);
        List<PoolConfig> pools = ConfigLoader.load(file).pools();
        assertThat(pools.get(0).backends()).extracting(x -> x.address().toString() + "@" + x.weight())
            .containsExactly(a.address() + "@0", c.address() + "@2");
        pool = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0);
        assertThat(backend(pool, a.address()).getString("runtime")).as("in the file now").isNull();
        assertThat(pool.getJsonArray("removedAtRuntime")).isEmpty();
        assertThat(ok(cli(file, "check"))).contains("valid");
        portfw.terminate();
        assertThat(portfw.exitCode()).isZero();
      }
    }
  }

  @Test
  void theFileChangingABackend_winsOverItsRuntimeChange_andBadRequestsChangeNothing() throws Exception {
    int port = Ports.free();
    int adminPort = Ports.free();
    try (EchoBackend a = new EchoBackend(); EchoBackend b = new EchoBackend()) {
      Path file = config(port, adminPort, a, b);
      try (PortfwProcess portfw = PortfwProcess.start("run", "--config", file.toString()).awaitListening(port)) {
        AdminHttp admin = new AdminHttp("http://127.0.0.1:" + adminPort);
        ok(cli(file, "weight", "web", a.address(), "5"));

        PortfwProcess outOfRange = cli(file, "weight", "web", a.address(), "300");
        assertThat(outOfRange.exitCode()).isEqualTo(1);
        assertThat(outOfRange.stderr()).contains("weight 300 is out of range 0-256");
        PortfwProcess unknownPool = cli(file, "remove-backend", "nope", a.address());
        assertThat(unknownPool.stderr()).contains("no pool named \"nope\"");
        PortfwProcess duplicate = cli(file, "add-backend", "web", b.address());
        assertThat(duplicate.stderr()).contains("HTTP 409", "has a backend " + b.address() + " already");
        AdminHttp.Answer notJson = admin.post("/api/v1/pools/web/backends/" + a.address() + "/weight", "{\"weight\": \"x\"}");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(admin.post("/api/v1/pools/web/backends", "{\"address\": \"not an address\"}").status()).isEqualTo(400);
        assertThat(admin.send("DELETE", "/api/v1/connections/999999").status()).isEqualTo(404);
        JsonObject pool = admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0);
        assertThat(backend(pool, a.address()).getInteger("weight")).as("only the good request changed it").isEqualTo(5);
        assertThat(pool.getJsonArray("backends")).hasSize(2);

        // The operator edits the file for that backend: the file wins.
        Files.writeString(file, Files.readString(file).replace("{ \"address\": \"" + a.address() + "\" }",
            "{ \"address\": \"" + a.address() + "\", \"weight\": 2 }"));
        assertThat(admin.post("/api/v1/reload").json().getString("outcome")).isEqualTo("applied");
        Eventually.holds(Duration.ofSeconds(5), "the file's weight", () -> weightOf(admin, a.address()) == 2);
        assertThat(backend(admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0), a.address())
            .getString("runtime")).isNull();
        portfw.terminate();
        assertThat(portfw.exitCode()).isZero();
      }
    }
  }

  private static int weightOf(AdminHttp admin, String address) {
    try {
      return backend(admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0), address).getInteger("weight");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject backend(JsonObject pool, String address) {
    JsonArray backends = pool.getJsonArray("backends");
    for (int i = 0; i < backends.size(); i++) {
      if (backends.getJsonObject(i).getString("address").equals(address)) {
        return backends.getJsonObject(i);
      }
    }
    return null;
  }

  private static JsonObject listed(AdminHttp admin, Socket client) throws Exception {
    JsonArray all = admin.get("/api/v1/connections").json().getJsonArray("connections");
    for (int i = 0; i < all.size(); i++) {
      if (all.getJsonObject(i).getString("client").equals("127.0.0.1:" + client.getLocalPort())) {
        return all.getJsonObject(i);
      }
    }
    throw new AssertionError("connection from " + client.getLocalPort() + " not listed: " + all);
  }

  private static boolean onBackend(AdminHttp admin, Socket client, EchoBackend backend) throws Exception {
    return backend.address().equals(listed(admin, client).getString("backend"));
  }

  private static long idOf(AdminHttp admin, Socket client) throws Exception {
    return listed(admin, client).getLong("id");
  }
}
