package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.ReloadResult;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.BlockingBackend;
import io.portfw.testing.Clients;
import io.portfw.testing.Dnsmasq;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pool backends found in DNS ({@code discover}) through a real dnsmasq whose records change while
 * portfw runs: traffic reaches the records' backends (each on its own 127.0.0.x), an added record
 * becomes a backend, a removed one drains (its open connection keeps working, new ones go elsewhere),
 * a DNS server that stops answering leaves the last set in use, a name without records (NXDOMAIN)
 * leaves only the listed backends, an AAAA-only name gives an IPv6 backend, and SRV weights and
 * priorities hold.
 */
class DiscoveryIT {

  private final List<AutoCloseable> closing = new ArrayList<>();
  private Path hosts;
  private int backendPort;

  @BeforeEach
  void setUp() throws IOException {
    hosts = Files.createTempFile("portfw-discover", ".hosts");
    backendPort = Ports.free();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    Files.deleteIfExists(hosts);
  }

  @Test
  void addressRecords_becomeBackends_addedJoin_removedDrain_andAFailingServerKeepsTheLastSet() throws Exception {
    for (int last = 11; last <= 14; last++) {
      backend("b" + last, "127.0.0." + last);
    }
    backend("b6", "::1");
    Files.writeString(hosts, "127.0.0.11 web.portfw.test\n127.0.0.12 web.portfw.test\n::1 v6.portfw.test\n");
    int dnsPort = Ports.free();
    Dnsmasq dns = closeLater(Dnsmasq.authority(dnsPort, "portfw.test", hosts));
    int port = Ports.free();
    int v6Port = Ports.free();
    String config = """
        { "dns": { "servers": ["%s"], "minTtl": "200ms" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" },
                         { "name": "v6", "listen": "127.0.0.1:%d", "pool": "v6" } ],
          "pools": [ { "name": "web", "retries": %d, "backends": [ { "address": "127.0.0.14:%d" } ],
                       "discover": { "name": "web.portfw.test", "port": %d } },
                     { "name": "v6", "discover": { "name": "v6.portfw.test", "port": %d } } ] }
        """;
    RunningForwarder forwarder = closeLater(RunningForwarder.start(config.formatted(dns.address(), port, v6Port, 2,
        backendPort, backendPort, backendPort)));
    AdminHttp admin = new AdminHttp(forwarder.adminUrl());

    // Found before the listener accepted anything: the static backend and both records' addresses.
    assertThat(answers(port, 12)).containsOnlyKeys("b11", "b12", "b14");
    assertThat(discoveredFrom(admin)).containsEntry("127.0.0.11:" + backendPort, "web.portfw.test A")
        .containsEntry("127.0.0.12:" + backendPort, "web.portfw.test A")
        .containsEntry("127.0.0.14:" + backendPort, null);
    // A name with only an AAAA record: its IPv6 address is the backend.
    assertThat(answers(v6Port, 1)).containsOnlyKeys("b6");
    assertThat(backendAt(pool(admin, 1), "[::1]:" + backendPort).getString("discoveredFrom"))
        .isEqualTo("v6.portfw.test AAAA");

    // Its records decide: a runtime weight or removal would outlast them, so they are refused.
    AdminHttp.Answer weight = admin.post("/api/v1/pools/web/backends/127.0.0.11:" + backendPort + "/weight",
        "{\"weight\": 5}");
    assertThat(weight.status()).isEqualTo(409);
    assertThat(weight.body()).contains("found in DNS (web.portfw.test A)");

    Socket held = connectionTo(port, "b12");
    Files.writeString(hosts, "127.0.0.11 web.portfw.test\n127.0.0.13 web.portfw.test\n");
    dns.reload();
    Eventually.holds(Duration.ofSeconds(10), () -> "the record added is served, the one removed is not",
        () -> answersOrEmpty(port, 9).keySet().equals(Set.of("b11", "b13", "b14")));
    assertThat(Clients.echo(held, "still here\n")).as("the removed backend's connection drains, not cut")
        .isEqualTo("still here\n");
    held.close();

    // A reload of the file that changes the pool keeps the discovered backends, with their state.
    Socket open = connectionTo(port, "b13");
    assertThat(forwarder.reload(config.formatted(dns.address(), port, v6Port, 1, backendPort, backendPort,
        backendPort)).outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
    assertThat(backendAt(pool(admin), "127.0.0.13:" + backendPort).getLong("active")).isEqualTo(1);
    assertThat(Clients.echo(open, "across the reload\n")).isEqualTo("across the reload\n");
    open.close();
    assertThat(discoveredFrom(admin)).containsOnlyKeys("127.0.0.11:" + backendPort, "127.0.0.13:" + backendPort,
        "127.0.0.14:" + backendPort);

    dns.close(); // no answer from now on: the last set stays, and the API says lookups fail
    Eventually.holds(Duration.ofSeconds(10), "the API shows the failing lookups",
        () -> discover(admin).getString("failingSince") != null);
    assertThat(discover(admin).getInteger("backends")).isEqualTo(2);
    assertThat(answers(port, 9)).containsOnlyKeys("b11", "b13", "b14");
    PortfwProcess status = PortfwProcess.start("status", "--admin", forwarder.adminUrl());
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stdout()).contains("127.0.0.13:" + backendPort + " (dns: web.portfw.test A)")
        .contains("pool web: discover web.portfw.test A/AAAA failing since");

    // The server is back and the name has no record any more (NXDOMAIN): the discovered backends go, the listed stays.
    Files.writeString(hosts, "127.0.0.99 other.portfw.test\n");
    closeLater(Dnsmasq.authority(dnsPort, "portfw.test", hosts));
    Eventually.holds(Duration.ofSeconds(10), () -> "only the listed backend is left",
        () -> answersOrEmpty(port, 4).keySet().equals(Set.of("b14")));
    assertThat(discover(admin).getString("failingSince")).isNull();
    assertThat(discover(admin).getInteger("backends")).isZero();
  }

  @Test
  void srvRecords_giveWeightsAndBackups_andAChangedSetIsFollowed() throws Exception {
    for (int last = 21; last <= 24; last++) {
      backend("s" + last, "127.0.0." + last);
    }
    Files.writeString(hosts, "127.0.0.21 s21.portfw.test\n127.0.0.22 s22.portfw.test\n127.0.0.23 s23.portfw.test\n"
        + "127.0.0.24 s24.portfw.test\n");
    String service = "_app._tcp.portfw.test";
    int dnsPort = Ports.free();
    Dnsmasq dns = closeLater(Dnsmasq.authority(dnsPort, "portfw.test", hosts, srv(service, "s21", 0, 3), srv(service, "s22", 0, 1),
        srv(service, "s23", 1, 1)));
    int port = Ports.free();
    RunningForwarder forwarder = closeLater(RunningForwarder.start("""
        { "dns": { "servers": ["127.0.0.1:%d"], "minTtl": "200ms" },
          "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "app" } ],
          "pools": [ { "name": "app", "discover": { "srv": "%s" } } ] }
        """.formatted(dnsPort, port, service)));

    // Weights 3:1 among the priority-0 targets; the priority-1 target is a backup, unused while they serve.
    Map<String, Integer> counted = answers(port, 40);
    assertThat(counted).containsOnlyKeys("s21", "s22");
    assertThat(counted.get("s21")).isBetween(27, 33);
    JsonObject pool = pool(new AdminHttp(forwarder.adminUrl()));
    JsonObject backup = backendAt(pool, "127.0.0.23:" + backendPort);
    assertThat(backup.getBoolean("backup")).isTrue();
    assertThat(backup.getString("discoveredFrom")).isEqualTo(service + " SRV s23.portfw.test A");
    // dnsmasq rotates the order of its records: the same records, asked again every 200 ms, change nothing.
    var applied = forwarder.runtime().lastReload();
    Eventually.holdsFor(Duration.ofSeconds(1), "no reload for the same records in another order",
        () -> forwarder.runtime().lastReload() == applied);

    // SIGHUP does not re-read SRV records: a new dnsmasq on the same port answers with the new set.
    dns.close();
    dns = closeLater(Dnsmasq.authority(dnsPort, "portfw.test", hosts, srv(service, "s22", 0, 1), srv(service, "s24", 0, 1),
        srv(service, "s23", 1, 1)));
    Eventually.holds(Duration.ofSeconds(10), () -> "the new SRV set is served",
        () -> answersOrEmpty(port, 8).keySet().equals(Set.of("s22", "s24")));
  }

  /** dnsmasq's --srv-host: the target in portfw.test at the backends' port. */
  private String srv(String service, String target, int priority, int weight) {
    return service + "," + target + ".portfw.test," + backendPort + "," + priority + "," + weight;
  }

  private void backend(String name, String host) {
    closeLater(new TaggedEchoBackend(name, host, backendPort));
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    closing.add(resource);
    return resource;
  }

  /** Who answered {@code count} new connections, and how often. */
  private static Map<String, Integer> answers(int port, int count) throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < count; i++) {
      try (Socket s = Clients.connect(port)) {
        seen.merge(nameOf(s), 1, Integer::sum);
      }
    }
    return seen;
  }

  private static Map<String, Integer> answersOrEmpty(int port, int count) {
    try {
      return answers(port, count);
    } catch (IOException e) {
      return Map.of();
    }
  }

  /** A connection that a given backend answered (round robin gets there within a few). */
  private static Socket connectionTo(int port, String name) throws IOException {
    for (int i = 0; i < 10; i++) {
      Socket s = Clients.connect(port);
      if (nameOf(s).equals(name)) {
        return s;
      }
      s.close();
    }
    throw new AssertionError(name + " answered none of 10 connections");
  }

  private static String nameOf(Socket s) throws IOException {
    StringBuilder name = new StringBuilder();
    InputStream in = s.getInputStream();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      name.append((char) c);
    }
    return name.toString();
  }

  private static JsonObject pool(AdminHttp admin) throws Exception {
    return pool(admin, 0);
  }

  private static JsonObject pool(AdminHttp admin, int index) throws Exception {
    return admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(index);
  }

  private static JsonObject discover(AdminHttp admin) {
    try {
      return pool(admin).getJsonObject("discover");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject backendAt(JsonObject pool, String address) {
    return pool.getJsonArray("backends").stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("address").equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError("no backend " + address + " in " + pool));
  }

  /** Backend address to the record it was discovered by (null for a listed one). */
  private static Map<String, String> discoveredFrom(AdminHttp admin) throws Exception {
    Map<String, String> out = new HashMap<>();
    pool(admin).getJsonArray("backends").stream().map(JsonObject.class::cast)
        .forEach(b -> out.put(b.getString("address"), b.getString("discoveredFrom")));
    return out;
  }

  /** Answers each connection with its name and a newline, then echoes what it is sent until the client closes. */
  private static final class TaggedEchoBackend extends BlockingBackend {
    private final String name;

    TaggedEchoBackend(String name, String host, int port) {
      super(host, port);
      this.name = name;
    }

    @Override
    protected void serve(Socket socket) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.getInputStream().transferTo(out);
    }
  }
}
