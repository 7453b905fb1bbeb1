package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.AdminHttp;
import io.portfw.testing.Clients;
import io.portfw.testing.ContinuousLoad;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.OtherUser;
import io.portfw.testing.Ports;
import io.portfw.testing.TaggedBackend;
import io.portfw.testing.UdpEchoBackend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portfw run --take-over}: a new process, from another install of the build, takes the
 * listening sockets and the runtime state of the running one, which drains and exits 0; under
 * continuous load every connection attempt is served and every byte comes back. A take-over that
 * cannot start leaves the running process serving.
 */
class TakeOverIT {

  @TempDir
  Path dir;

  private EchoBackend echo1;
  private EchoBackend echo2;
  private UdpEchoBackend udp;
  private TaggedBackend a;
  private TaggedBackend b;

  @org.junit.jupiter.api.BeforeEach
  void startBackends() throws Exception {
    echo1 = new EchoBackend();
    echo2 = new EchoBackend();
    udp = new UdpEchoBackend("u");
    a = new TaggedBackend("a");
    b = new TaggedBackend("b");
    game1 = new UdpEchoBackend("g1");
    game2 = new UdpEchoBackend("g2");
  }

  @org.junit.jupiter.api.AfterEach
  void closeBackends() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {echo1, echo2, udp, a, b, game1, game2}) {
      c.close();
    }
  }

  private int tcpPort;
  private int udpPort;
  private int stickyPort;
  private int deadPort;
  private int adminPort;
  private int gamePort;
  /** Two echoing UDP backends behind the "game" listener, whose sessions last a minute. */
  private UdpEchoBackend game1;
  private UdpEchoBackend game2;

  private Path config() throws Exception {
    tcpPort = Ports.free();
    udpPort = Ports.free();
    stickyPort = Ports.free();
    deadPort = Ports.free();
    adminPort = Ports.free();
    gamePort = Ports.free();
    return Files.writeString(dir.resolve("portfw.json"), """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [
            { "name": "echo", "listen": "127.0.0.1:%d", "pool": "echo", "timeouts": { "drain": "30s" } },
            { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:%d", "pool": "dns", "sessionIdle": "1s" },
            { "name": "sticky", "listen": "127.0.0.1:%d", "pool": "sticky" },
            { "name": "game", "protocol": "udp", "listen": "127.0.0.1:%d", "pool": "game", "sessionIdle": "60s",
              "timeouts": { "drain": "2s" } } ],
          "pools": [
            { "name": "echo", "backends": [ { "address": "%s" }, { "address": "%s" } ] },
            { "name": "dns", "backends": [ { "address": "%s" } ] },
            { "name": "game", "backends": [ { "address": "%s" }, { "address": "%s" } ] },
            { "name": "sticky", "sticky": {}, "retries": 1,
              "outlier": { "consecutiveFailures": 1, "ejectionTime": "5m" },
              "backends": [ { "address": "%s" }, { "address": "%s" }, { "address": "127.0.0.1:%d" } ] } ] }
        """.formatted(adminPort, tcpPort, udpPort, stickyPort, gamePort, echo1.address(), echo2.address(),
        udp.address(), game1.address(), game2.address(), a.address(), b.address(), deadPort));
  }

  /** Two installs of the same build, as an upgrade has: the running one's jar is never touched. */
  private Path install(String name) throws Exception {
    Path jar = Files.createDirectories(dir.resolve(name)).resolve("portfw.jar");
    return Files.copy(PortfwProcess.builtJar(), jar);
  }

  @Test
  void takeOverUnderLoad_servesEveryConnectionAndCarriesTheState() throws Exception {
    Path config = config();
    Path pidFile = dir.resolve("portfw.pid");
    try (PortfwProcess old = PortfwProcess.startJar(install("old"), Map.of(), List.of(), "run", "--no-watch",
        "--config", config.toString(), "--pid-file", pidFile.toString())) {
      old.awaitListening(tcpPort);
      AdminHttp api = new AdminHttp("http://127.0.0.1:" + adminPort);
      assertThat(api.post("/api/v1/pools/echo/backends/" + echo2.address() + "/drain").status()).isEqualTo(200);
      assertThat(api.post("/api/v1/pools/echo/backends/" + echo1.address() + "/weight", "{\"weight\": 7}")
          .status()).isEqualTo(200);
      int other = 1;
      while (!ejected(api, "127.0.0.1:" + deadPort) && other < 20) {
        answerFrom("127.0.2." + other++); // round robin reaches the refusing backend, which is ejected
      }
      assertThat(ejected(api, "127.0.0.1:" + deadPort)).as("the refusing backend, ejected on the old process")
          .isTrue();
      Map<String, String> homes = stickyHomes();
      List<DatagramSocket> players = new ArrayList<>();
      Map<DatagramSocket, String> servers = gameSessions(players);
      Path stateDir = dir.resolve("portfw.state");
      assertThat(Files.getPosixFilePermissions(stateDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

      ContinuousLoad load = ContinuousLoad.start(tcpPort, udpPort);
      try {
        load.awaitShortOk(50);
        try (PortfwProcess fresh = PortfwProcess.startJar(install("new"), Map.of(), List.of(), "run",
            "--no-watch", "--config", config.toString(), "--take-over", "--pid-file", pidFile.toString())) {
          Eventually.holds(Duration.ofSeconds(30), () -> "the new process serves; its stderr: " + fresh.stderr(),
              () -> pidOf(pidFile).equals(String.valueOf(fresh.pid())));
          assertThat(old.waitFor(Duration.ofSeconds(45))).as("the old process drains and exits; stderr: %s",
              old.stderr()).isTrue();
          assertThat(old.exitCode()).isZero();
          assertThat(old.stderr()).contains("taken over by process " + fresh.pid());
          load.awaitShortOk(load.shortOk() + 50); // the new process alone now
          ContinuousLoad.Result result = load.stop();
          assertThat(result.failures()).as("every attempt served, every byte back").isEmpty();
          assertThat(result.longOk()).as("long connections ended on their own, across the take-over")
              .isGreaterThanOrEqualTo(ContinuousLoad.LONG_CLIENTS);
          assertThat(result.datagramsAnswered()).isGreaterThan(0);

          AdminHttp after = new AdminHttp("http://127.0.0.1:" + adminPort);
          JsonObject echo = pool(after, "echo");
          assertThat(backend(echo, echo2.address()).getString("adminState")).isEqualTo("draining");
          assertThat(backend(echo, echo1.address()).getInteger("weight")).isEqualTo(7);
          assertThat(backend(echo, echo1.address()).getString("runtime")).isNotNull();
          assertThat(ejected(after, "127.0.0.1:" + deadPort)).as("the ejection carried over").isTrue();
          for (Map.Entry<String, String> home : homes.entrySet()) {
            assertThat(answerFrom(home.getKey())).as("sticky client %s", home.getKey()).isEqualTo(home.getValue());
          }
          assertThat(Files.exists(stateDir.resolve("control.sock"))).as("the new process can be taken over too")
              .isTrue();
          assertThat(fresh.stderr()).contains("carried over 1 drained or disabled backend(s)");
          for (Map.Entry<DatagramSocket, String> player : servers.entrySet()) {
            assertThat(gameAnswer(player.getKey())).as("the UDP session's backend, carried over")
                .isEqualTo(player.getValue());
          }
          players.forEach(DatagramSocket::close);
        } finally {
          load.stop();
        }
      } finally {
        load.stop();
      }
    }
  }

  @Test
  void aTakeOverThatCannotStart_leavesTheRunningOneServing() throws Exception {
    try (java.net.ServerSocket squatter = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Path config = config();
      Path jar = install("old");
      try (PortfwProcess old = PortfwProcess.startJar(jar, Map.of(), List.of(), "run", "--no-watch",
          "--config", config.toString())) {
        old.awaitListening(tcpPort);
        // A new config whose added listener cannot bind: the new process fails after receiving the sockets.
        Path broken = Files.writeString(dir.resolve("broken.json"), Files.readString(config).replace(
            "\"listeners\": [", "\"listeners\": [ { \"name\": \"taken\", \"listen\": \"127.0.0.1:"
                + squatter.getLocalPort() + "\", \"pool\": \"echo\" },"));
        try (PortfwProcess failing = PortfwProcess.startJar(jar, Map.of(), List.of(), "run", "--no-watch",
            "--config", broken.toString(), "--take-over")) {
          // Its state directory is its own, beside broken.json: nobody runs there.
          assertThat(failing.exitCode()).isEqualTo(1);
          assertThat(failing.stderr()).contains("no portfw to take over at " + dir.resolve("broken.state"));
        }
        Path sameState = Files.writeString(dir.resolve("broken-same-state.json"), Files.readString(broken)
            .replaceFirst("\\{", "{ \"stateDir\": \"portfw.state\","));
        try (PortfwProcess failing = PortfwProcess.startJar(jar, Map.of(), List.of(), "run", "--no-watch",
            "--config", sameState.toString(), "--take-over")) {
          assertThat(failing.exitCode()).isEqualTo(1);
          assertThat(failing.stderr()).contains("cannot listen on 127.0.0.1:" + squatter.getLocalPort());
        }
        Path invalid = Files.writeString(dir.resolve("invalid.json"), "{ \"stateDir\": \"portfw.state\", "
            + "\"listeners\": 3 }");
        try (PortfwProcess failing = PortfwProcess.startJar(jar, Map.of(), List.of(), "run", "--config",
            invalid.toString(), "--take-over")) {
          assertThat(failing.exitCode()).isEqualTo(2);
        }
        assertThat(old.isAlive()).isTrue();
        assertThat(old.stderr()).contains("went away before it accepted; this process goes on serving")
            .doesNotContain("taken over by");
        try (var s = Clients.connect(tcpPort)) {
          assertThat(Clients.echo(s, "still here")).isEqualTo("still here");
        }
        String answer = answerFrom("127.0.0.1");
        assertThat(answer).isIn("a", "b");
      }
    }
  }

  @Test
  void theControlSocketRefusesAnotherUser() throws Exception {
    Path config = config();
    try (PortfwProcess old = PortfwProcess.start("run", "--no-watch", "--config", config.toString())) {
      old.awaitListening(tcpPort);
      Path stateDir = dir.resolve("portfw.state");
      Eventually.holds(Duration.ofSeconds(10), "the control socket", () -> Files.exists(stateDir.resolve("control.sock")));
      assertThat(Files.getPosixFilePermissions(stateDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
      // Open the way for the test only (the directory's mode is the first guard); the socket must still refuse.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(stateDir.resolve("control.sock"), PosixFilePermissions.fromString("rwxrwxrwx"));
      String reply = OtherUser.exchange(stateDir.resolve("control.sock"), "{\"type\":\"hello\",\"pid\":1}\n");
      assertThat(reply).contains("\"refused\"", "is not this process's user");
      assertThat(old.stderr()).contains("take-over refused: peer uid 65534");
      try (var s = Clients.connect(tcpPort)) {
        assertThat(Clients.echo(s, "untouched")).isEqualTo("untouched");
      }
    }
  }

  /**
   * From a process with 16 event loops and a range of 20 ports (over 300 listening sockets, more
   * than one batch of descriptors) to one with a single loop, whose config drops a listener: every
   * socket of the kept ports is served (several on its one loop), the dropped port is closed.
   */
  @Test
  void aProcessWithFewerEventLoops_servesEverySocketHandedOver_andClosesADroppedPort() throws Exception {
    Path config = config();
    int range = Ports.freeRange(20, "127.0.0.1");
    for (int tries = 0; tries < 20 && overlaps(range, 20); tries++) {
      range = Ports.freeRange(20, "127.0.0.1"); // the config's ports are picked but not bound yet
    }
    String withRange = Files.readString(config).replace("\"listeners\": [", "\"listeners\": [ { \"name\": \"range\", "
        + "\"listen\": \"127.0.0.1:" + range + "-" + (range + 19) + "\", \"pool\": \"echo\" },");
    Files.writeString(config, withRange);
    Path jar = install("old");
    try (PortfwProcess old = PortfwProcess.startJar(jar, Map.of(), List.of("-XX:ActiveProcessorCount=16"), "run",
        "--no-watch", "--config", config.toString())) {
      old.awaitListening(tcpPort);
      Eventually.holds(Duration.ofSeconds(10), "the control socket",
          () -> Files.exists(dir.resolve("portfw.state").resolve("control.sock")));
      // The new config drops the sticky listener (and the game one, whose sessions would hold the drain).
      String next = withRange.replaceAll("\\{ \"name\": \"sticky\", \"listen\": \"[^\"]+\", \"pool\": \"sticky\" \\},", "")
          .replaceAll("(?s),\\s*\\{ \"name\": \"game\".*?\"drain\": \"2s\" \\} \\}", "");
      assertThat(next).doesNotContain("\"name\": \"sticky\", \"listen\"").doesNotContain("\"name\": \"game\", \"protocol\"");
      Path nextConfig = Files.writeString(dir.resolve("next.json"), next.replaceFirst("\\{",
          "{ \"stateDir\": \"portfw.state\","));
      ContinuousLoad load = ContinuousLoad.start(tcpPort, udpPort);
      try {
        load.awaitShortOk(30);
        try (PortfwProcess fresh = PortfwProcess.startJar(install("new"), Map.of(),
            List.of("-XX:ActiveProcessorCount=1"), "run", "--no-watch", "--config", nextConfig.toString(),
            "--take-over")) {
          assertThat(old.waitFor(Duration.ofSeconds(45))).as("old: %s%nnew: %s", old.stderr(), fresh.stderr())
              .isTrue();
          assertThat(old.exitCode()).isZero();
          assertThat(fresh.stderr()).contains("handed over");
          load.awaitShortOk(load.shortOk() + 30);
          for (int port = range; port <= range + 19; port++) {
            try (var s = Clients.connect(port)) {
              assertThat(Clients.echo(s, "range " + port)).isEqualTo("range " + port);
            }
          }
          assertThat(Clients.accepts(stickyPort)).as("the dropped listener's port is closed").isFalse();
          ContinuousLoad.Result result = load.stop();
          assertThat(result.failures()).isEmpty();
          assertThat(old.stderr()).containsPattern("accepts on \\d+ of the \\d+ socket\\(s\\) handed over");
        }
      } finally {
        load.stop();
      }
    }
  }

  /**
   * From the state taken for a take-over to its end, the running process refuses changes (they
   * would not reach the new one), with why; a take-over that goes away lets them through again.
   */
  @Test
  void changesAreRefusedWhileATakeOverIsUnderWay_andAllowedOnceItIsAbandoned() throws Exception {
    Path config = config();
    try (PortfwProcess old = PortfwProcess.start("run", "--no-watch", "--config", config.toString())) {
      old.awaitListening(tcpPort);
      Path socket = dir.resolve("portfw.state").resolve("control.sock");
      Eventually.holds(Duration.ofSeconds(10), "the control socket", () -> Files.exists(socket));
      AdminHttp api = new AdminHttp("http://127.0.0.1:" + adminPort);
      String drain = "/api/v1/pools/echo/backends/" + echo2.address() + "/drain";
      try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
          java.net.UnixDomainSocketAddress.of(socket))) {
        ch.write(java.nio.ByteBuffer.wrap("{\"type\":\"hello\",\"pid\":1}\n".getBytes()));
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(1 << 20);
        while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
          assertThat(ch.read(in)).isNotNegative();
        }
        assertThat(new String(in.array(), 0, in.position())).startsWith("{\"type\":\"state\"");
        AdminHttp.Answer refused = api.post(drain);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("a take-over by process 1 is under way");
        assertThat(api.post("/api/v1/reload").status()).isEqualTo(503);
        assertThat(api.get("/api/v1/pools").status()).as("reading goes on").isEqualTo(200);
      }
      Eventually.holds(Duration.ofSeconds(10), "changes allowed again", () -> {
        try {
          return api.post(drain).status() == 200;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(old.stderr()).contains("process 1 went away before it accepted; this process goes on serving");
    }
  }

  /**
   * Sticky clients on 127.0.0.11-22, placed by round robin with other clients in between at
   * random, so that a fresh table would place them differently; returns each one's backend.
   */
  private Map<String, String> stickyHomes() throws Exception {
    Random random = new Random(7);
    Map<String, String> homes = new LinkedHashMap<>();
    int other = 1;
    for (int i = 11; i <= 22; i++) {
      for (int k = random.nextInt(2); k > 0; k--) {
        answerFrom("127.0.1." + other++);
      }
      String client = "127.0.0." + i;
      homes.put(client, answerFrom(client));
    }
    assertThat(homes.values()).containsOnly("a", "b");
    return homes;
  }

  /**
   * UDP sessions of 8 clients to the "game" listener, placed by round robin with other clients
   * in between at random; returns each one's backend.
   */
  private Map<DatagramSocket, String> gameSessions(List<DatagramSocket> all) throws Exception {
    Random random = new Random(11);
    Map<DatagramSocket, String> servers = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      for (int k = random.nextInt(2); k > 0; k--) {
        DatagramSocket passer = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
        all.add(passer);
        gameAnswer(passer);
      }
      DatagramSocket player = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
      all.add(player);
      servers.put(player, gameAnswer(player));
    }
    assertThat(servers.values()).containsOnly("g1", "g2");
    return servers;
  }

  /** Which game backend answers this client now. */
  private String gameAnswer(DatagramSocket player) throws Exception {
    player.setSoTimeout(5_000);
    byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    player.send(new DatagramPacket(hello, hello.length, java.net.InetAddress.getLoopbackAddress(), gamePort));
    DatagramPacket reply = new DatagramPacket(new byte[256], 256);
    player.receive(reply);
    String text = new String(reply.getData(), 0, reply.getLength(), java.nio.charset.StandardCharsets.US_ASCII);
    return text.substring(0, text.length() - "hello".length());
  }

  private String answerFrom(String client) throws Exception {
    try (var s = Clients.from(client, stickyPort)) {
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
    }
  }

  /** Whether {@code count} ports from {@code first} hold one the config already uses. */
  private boolean overlaps(int first, int count) {
    for (int port : new int[] {tcpPort, udpPort, stickyPort, deadPort, adminPort, gamePort}) {
      if (port >= first && port < first + count) {
        return true;
      }
    }
    return false;
  }

  private static boolean ejected(AdminHttp api, String address) throws Exception {
    return backend(pool(api, "sticky"), address).getBoolean("ejected");
  }

  private static JsonObject pool(AdminHttp api, String name) throws Exception {
    JsonArray pools = api.get("/api/v1/pools").json().getJsonArray("pools");
    return pools.stream().map(JsonObject.class::cast).filter(p -> p.getString("name").equals(name)).findFirst()
        .orElseThrow();
  }

  private static JsonObject backend(JsonObject pool, String address) {
    return pool.getJsonArray("backends").stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("address").equals(address)).findFirst().orElseThrow();
  }

  private static String pidOf(Path pidFile) {
    try {
      return Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
