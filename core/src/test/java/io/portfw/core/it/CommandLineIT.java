package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator meets it: exit codes, messages, the forwarding table, the demo. */
class CommandLineIT {

  @TempDir
  Path dir;

  @Test
  void check_validConfig_exitsZeroWithASummary() throws Exception {
    Path file = Files.writeString(dir.resolve("ok.json"), """
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:8080", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.11:80" }, { "address": "10.0.0.12:80" } ] } ] }
        """);
    try (PortfwProcess check = PortfwProcess.start("check", "--config", file.toString())) {
      assertThat(check.exitCode()).isZero();
      assertThat(check.stdout()).isEqualTo(file + ": valid (1 listener, 1 pool, 2 backends)\n");
    }
  }

  @Test
  void check_invalidConfig_exitsTwoWithEveryErrorAndItsPath() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.json"), """
        { "listeners": [ { "name": "mail", "listen": "0.0.0.0:25", "pool": "mail" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.11:80" }, { "address": "10.0.0.12:70000" } ] } ] }
        """);
    try (PortfwProcess check = PortfwProcess.start("check", "--config", file.toString())) {
      assertThat(check.exitCode()).isEqualTo(2);
      assertThat(check.stderr()).isEqualTo(file + ": 2 errors\n"
          + "  pools[0].backends[1].address: port 70000 is out of range 1-65535\n"
          + "  listeners[0].pool: no pool named \"mail\"\n");
    }
  }

  @Test
  void run_invalidConfig_exitsTwoAndStartsNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.json"), "{ \"listeners\": [] }");
    try (PortfwProcess run = PortfwProcess.start("run", "--config", file.toString())) {
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.stderr()).contains("pools: is required");
    }
  }

  @Test
  void check_fileThatIsNotUtf8_namesTheByte_andNestingTooDeep_namesThePlace() throws Exception {
    Path latin1 = Files.write(dir.resolve("latin1.json"),
        "{ \"listeners\": [], \"pools\": [ { \"name\": \"caf\u00e9\" } ] }".getBytes(StandardCharsets.ISO_8859_1));
    try (PortfwProcess check = PortfwProcess.start("check", "--config", latin1.toString())) {
      assertThat(check.exitCode()).isEqualTo(2);
      assertThat(check.stderr()).contains("line 1, byte 44: the file is not UTF-8 text: byte 0xE9 at offset 44")
          .doesNotContain("Input length");
    }
    Path deep = Files.writeString(dir.resolve("deep.json"), "{ \"listeners\": " + "[".repeat(1001) + "]".repeat(1001)
        + ", \"pools\": [] }");
    try (PortfwProcess check = PortfwProcess.start("check", "--config", deep.toString())) {
      assertThat(check.exitCode()).isEqualTo(2);
      assertThat(check.stderr()).containsPattern("line 1, column \\d+: invalid JSON: objects and arrays are nested too deep")
          .doesNotContain("StreamReadConstraints");
    }
  }

  @Test
  void logLevel_fromTheEnvironment_quietsInfo_andAWrongOneStopsWithExitTwo() throws Exception {
    Path file = Files.writeString(dir.resolve("ok.json"), """
        { "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "127.0.0.1:9" } ] } ] }
        """.formatted(Ports.free()));
    try (PortfwProcess wrong = PortfwProcess.startWith(Map.of("PORTFW_LOG_LEVEL", "verbose"), List.of(),
        "check", "--config", file.toString())) {
      assertThat(wrong.exitCode()).isEqualTo(2);
      assertThat(wrong.stderr()).contains("PORTFW_LOG_LEVEL: \"verbose\" is not a log level (use one of trace, debug");
    }
    for (String level : List.of("", "warn")) {
      int port = Ports.free();
      Files.writeString(file, Files.readString(file).replaceAll("127\\.0\\.0\\.1:\\d+\"", "127.0.0.1:" + port + "\""));
      try (PortfwProcess run = PortfwProcess.startWith(Map.of("PORTFW_LOG_LEVEL", level), List.of(),
          "run", "--no-watch", "--config", file.toString()).awaitListening(port)) {
        run.terminate();
        assertThat(run.exitCode()).isZero();
        if (level.isEmpty()) {
          assertThat(run.stderr()).as("info by default").contains("INFO").contains("transport: native");
        } else {
          assertThat(run.stderr()).as("at warn").doesNotContain("INFO");
        }
      }
    }
  }

  @Test
  void versionAndHelp_exitZero() throws Exception {
    try (PortfwProcess version = PortfwProcess.start("--version")) {
      assertThat(version.exitCode()).isZero();
      assertThat(version.stdout()).startsWith("portfw 0.1.0");
    }
    try (PortfwProcess help = PortfwProcess.start("--help")) {
      assertThat(help.exitCode()).isZero();
      assertThat(help.stdout()).contains("run", "check", "demo");
    }
    try (PortfwProcess wrong = PortfwProcess.start("frobnicate")) {
      assertThat(wrong.exitCode()).isEqualTo(2);
      assertThat(wrong.stderr()).contains("Unmatched argument");
    }
  }

  @Test
  void demo_printsTheTableAndRotatesOverThreeBackends() throws Exception {
    int port = Ports.free();
    int admin = Ports.free();
    try (PortfwProcess demo = PortfwProcess.start("demo", "--listen", "127.0.0.1:" + port,
        "--admin", "127.0.0.1:" + admin).awaitListening(port)) {
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        // A new client each time, as curl is: TCP balancing places connections, not requests. A plain socket,
        // not an HTTP client that would quietly retry a failed request on another connection (another backend).
        String raw;
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          s.setSoTimeout(10_000);
          s.getOutputStream().write("GET / HTTP/1.0\r\nHost: demo\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          raw = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(raw).startsWith("HTTP/1.1 200");
        answers.add(raw.substring(raw.indexOf("\r\n\r\n") + 4).replaceAll(" \\(.*", "").strip());
      }
      // Round robin: every backend once in any three in a row, in a fixed cycle (the readiness probe took a turn).
      // Round robin spreads six clients over the three backends. (Exact order is BalancingIT's business: on a
      // loaded CI machine a stray turn, e.g. a retried connect, may shift the cycle here.)
      assertThat(answers).as("stderr: %s", demo.stderr())
          .contains("Hello from demo-1", "Hello from demo-2", "Hello from demo-3");
      for (String backend : List.of("Hello from demo-1", "Hello from demo-2", "Hello from demo-3")) {
        assertThat(answers.stream().filter(backend::equals).count()).as(backend).isBetween(1L, 3L);
      }
      assertThat(demo.stdout()).contains("prot", "local", "remote", "weight", "active", "127.0.0.1:" + port)
          .contains("curl -s http://127.0.0.1:" + port + "/");

      demo.terminate();
      assertThat(demo.exitCode()).isZero();
    }
  }
}
