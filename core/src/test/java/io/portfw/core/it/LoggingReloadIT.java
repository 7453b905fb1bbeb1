package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * portfw's own log as an operator drives it: the config's {@code logging} section switches level
 * and format on reload, in place, and {@code --log-level} wins over the variable and the config.
 */
class LoggingReloadIT {

  @TempDir
  Path dir;

  private final int admin = Ports.free();

  /** A listener whose only backend refuses: each client is logged as refused (info) after a failed connect (debug). */
  private Path config(int port, int dead, String logging) throws Exception {
    return Files.writeString(dir.resolve("portfw.json"), """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [ { "name": "l", "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "retries": 0, "backends": [ { "address": "127.0.0.1:%d" } ] } ] %s }
        """.formatted(admin, port, dead, logging));
  }

  @Test
  void reload_switchesToJsonAndDebug_thenWarnHidesInfo() throws Exception {
    int port = Ports.free();
    int dead = Ports.refusing();
    Path file = config(port, dead, "");
    try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", file.toString()).awaitListening(port)) {
      String refused = "listener l: refused 127.0.0.1 (connect-failed)";
      knock(port);
      Eventually.holds(Duration.ofSeconds(10), () -> "refusal logged; stderr: " + portfw.stderr(),
          () -> portfw.stderr().contains(refused));
      assertThat(portfw.stderr()).as("text, at info")
          .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-]\\d\\d:\\d\\d) INFO TcpConnection - " + java.util.regex.Pattern.quote(refused) + "$")
          .doesNotContain(" DEBUG ").doesNotContain("{\"");

      config(port, dead, ", \"logging\": { \"level\": \"debug\", \"format\": \"json\" }");
      reload(portfw, 1);
      Eventually.holds(Duration.ofSeconds(10), () -> "switched; stderr: " + portfw.stderr(),
          () -> portfw.stderr().contains("\"formattedMessage\":\"logging: level debug, format json\""));
      Thread.sleep(1_100); // refusals are logged at most once a second per listener
      knock(port);
      Eventually.holds(Duration.ofSeconds(10), () -> "json refusal; stderr: " + portfw.stderr(),
          () -> jsonLines(portfw).stream().anyMatch(j -> j.getString("formattedMessage").startsWith(refused)));
      List<JsonObject> lines = jsonLines(portfw);
      JsonObject refusal = lines.stream().filter(j -> j.getString("formattedMessage").startsWith(refused)).findFirst().orElseThrow();
      assertThat(refusal.getString("level")).isEqualTo("INFO");
      assertThat(refusal.getString("loggerName")).isEqualTo("io.portfw.core.tcp.TcpConnection");
      assertThat(refusal.getString("logger")).isEqualTo("io.portfw.core.tcp.TcpConnection");
      assertThat(refusal.getString("message")).isEqualTo(refusal.getString("formattedMessage"));
      assertThat(refusal.getString("listener")).isEqualTo("l");
      assertThat(refusal.getString("client")).isEqualTo("127.0.0.1");
      assertThat(refusal.getString("refusal")).isEqualTo("connect-failed");
      assertThat(Instant.parse(refusal.getString("time"))).isBetween(Instant.now().minusSeconds(60), Instant.now());
      assertThat(lines).as("debug shown after the reload").anyMatch(j -> "DEBUG".equals(j.getString("level"))
          && j.getString("formattedMessage").contains("connect to 127.0.0.1:" + dead + " failed"));

      config(port, dead, ", \"logging\": { \"level\": \"warn\", \"format\": \"json\" }");
      reload(portfw, 2);
      Thread.sleep(1_100);
      int before = jsonLines(portfw).size();
      knock(port);
      Eventually.holdsFor(Duration.ofMillis(1_500), () -> "nothing below warn; stderr: " + portfw.stderr(),
          () -> jsonLines(portfw).size() == before);
    }
  }

  @Test
  void logLevelOption_winsOverTheVariableAndTheConfig() throws Exception {
    int port = Ports.free();
    Path file = config(port, Ports.refusing(), ", \"logging\": { \"level\": \"debug\" }");
    try (PortfwProcess portfw = PortfwProcess.startWith(Map.of("PORTFW_LOG_LEVEL", "debug"), List.of(),
        "run", "--log-level", "warn", "--no-watch", "--config", file.toString()).awaitListening(port)) {
      knock(port);
      config(port, Ports.refusing(), ", \"logging\": { \"level\": \"trace\" }");
      portfw.hangUp();
      // The reload is logged at info, the refusal too: at warn neither shows; the SIGHUP is taken (it did not stop portfw).
      Eventually.holdsFor(Duration.ofMillis(1_500), () -> "only warnings; stderr: " + portfw.stderr(),
          () -> !portfw.stderr().contains(" INFO ") && !portfw.stderr().contains(" DEBUG ") && portfw.isAlive());
      knock(port);
      Thread.sleep(500);
      assertThat(portfw.stderr()).doesNotContain(" INFO ").doesNotContain(" DEBUG ").doesNotContain(" TRACE ");
    }
    int second = Ports.free();
    Path quiet = config(second, Ports.refusing(), ", \"logging\": { \"level\": \"warn\" }");
    try (PortfwProcess portfw = PortfwProcess.startWith(Map.of("PORTFW_LOG_LEVEL", "warn"), List.of(),
        "--log-level", "info", "run", "--no-watch", "--config", quiet.toString()).awaitListening(second)) {
      Eventually.holds(Duration.ofSeconds(10), () -> "info shown; stderr: " + portfw.stderr(),
          () -> portfw.stderr().contains("logging: level info (set by --log-level, over the config's warn), format text"));
    }
  }

  private static void knock(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getInputStream().read(); // the refusal closes it
    } catch (java.io.IOException reset) {
      // a reset is the refusal too
    }
  }

  private static void reload(PortfwProcess portfw, int nth) {
    portfw.hangUp();
    Eventually.holds(Duration.ofSeconds(10), () -> "reload " + nth + " applied; stderr: " + portfw.stderr(),
        () -> portfw.stderr().lines().filter(l -> l.contains("reload applied: logging changed")).count() == nth);
  }

  /** Every JSON line of its standard error, each parsed: a line that is not JSON fails the test. */
  private static List<JsonObject> jsonLines(PortfwProcess portfw) {
    return portfw.stderr().lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
  }
}
