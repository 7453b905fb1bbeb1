package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Clients;
import io.portfw.testing.Eventually;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.Rsyslog;
import io.portfw.testing.TaggedBackend;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log sent to a real syslog daemon (Debian's rsyslogd, on a loopback UDP port and a
 * unix datagram socket of the test's own): rsyslog parses each datagram as RFC 5424, so the app
 * name, process id and message id it reports prove the header, and the message is the access line.
 */
class AccessLogSyslogIT {

  @TempDir
  Path dir;

  /** The connection with which the test sees portfw listen (PortfwProcess.awaitListening) is logged too. */
  private static final int PROBE = 1;

  @Test
  void accessLines_reachRsyslog_overUdpAndAUnixSocket() throws Exception {
    try (Rsyslog rsyslog = Rsyslog.start(dir); TaggedBackend backend = new TaggedBackend("b1")) {
      sendThrough("syslog://127.0.0.1:" + rsyslog.udpPort(), "json", "udp", backend, rsyslog, 1);
      sendThrough("syslog:" + rsyslog.socket(), "plain", "unix", backend, rsyslog, 2);
    }
  }

  /** Three connections through a portfw whose access log goes to {@code output}; {@code listener} names them. */
  private void sendThrough(String output, String format, String listener, TaggedBackend backend, Rsyslog rsyslog, int run)
      throws Exception {
    int port = Ports.free();
    Path file = Files.writeString(dir.resolve(listener + ".json"), """
        { "admin": { "listen": "127.0.0.1:%d" },
          "accessLog": { "format": "%s", "output": "%s" },
          "listeners": [ { "name": "%s", "listen": "127.0.0.1:%d", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(Ports.free(), format, output, listener, port, backend.address()));
    try (PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", file.toString()).awaitListening(port)) {
      for (int i = 0; i < 3; i++) {
        assertThat(Clients.answerOf(port)).isEqualTo("b1");
      }
      Eventually.holds(Duration.ofSeconds(10), () -> output + ": 3 lines (and the probe's) at rsyslog; it has " + rsyslog.received()
          + "; portfw: " + portfw.stderr(), () -> ours(rsyslog, portfw.pid()).size() == 3 + PROBE);
      for (String[] f : ours(rsyslog, portfw.pid())) {
        assertThat(f[0]).as("local0.info").isEqualTo("134");
        assertThat(f[2]).as("app name").isEqualTo("portfw");
        assertThat(f[4]).as("message id").isEqualTo("access");
        assertThat(f[5]).as("no structured data").isEqualTo("-");
        String msg = f[6].strip();
        if (format.equals("json")) {
          JsonObject line = new JsonObject(msg);
          assertThat(line.getString("listener")).isEqualTo(listener);
          assertThat(line.getString("backend")).isEqualTo(backend.address());
          assertThat(line.getString("ending")).isIn("client-close", "backend-close");
        } else {
          assertThat(msg).contains(" " + listener + " 127.0.0.1:").contains(" -> " + backend.address() + " p ");
        }
      }
    }
    assertThat(rsyslog.received()).as("run %d: no other message", run).hasSize((3 + PROBE) * run);
  }

  /** The messages rsyslog got from that process (its process id in PROCID), split into their fields. */
  private static List<String[]> ours(Rsyslog rsyslog, long pid) {
    return rsyslog.received().stream().map(l -> l.split("\\|", 7)).filter(f -> f.length == 7 && f[3].equals(Long.toString(pid)))
        .toList();
  }
}
