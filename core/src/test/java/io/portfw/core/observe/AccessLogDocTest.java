package io.portfw.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.config.BackendAddress;
import io.portfw.config.Protocol;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/operations.md documents every access-log field, ending and refusal reason portfw writes, and the log level. */
class AccessLogDocTest {

  private static String section(String page, String heading) {
    int start = page.indexOf("\n## " + heading + "\n");
    assertThat(start).as("section %s", heading).isNotNegative();
    int end = page.indexOf("\n## ", start + 1);
    return page.substring(start, end < 0 ? page.length() : end);
  }

  private static String page() throws IOException {
    return Files.readString(Path.of("..", "docs", "operations.md"));
  }

  @Test
  void everyJsonField_isDocumented() throws IOException {
    String accessLog = section(page(), "Access log");
    ListenerCounters counters = new ListenerCounters();
    Connection refused = new Connection("web", Protocol.TCP, 80, "web", new InetSocketAddress("203.0.113.5", 5000),
        counters);
    refused.refused(Refusal.NO_BACKEND);
    refused.ended();
    Connection served = new Connection("dns", Protocol.UDP, 53, "dns", new InetSocketAddress("203.0.113.5", 5001),
        counters);
    served.joined(new Backend(new BackendAddress("192.0.2.1", 53), 1, false));
    served.ending(Ending.IDLE_TIMEOUT);
    served.ended();
    for (Connection c : new Connection[] {refused, served}) {
      JsonObject line = new JsonObject(AccessLog.json(c));
      for (String field : line.fieldNames()) {
        assertThat(accessLog).as("the access log field %s", field).contains("`" + field + "`");
      }
    }
    assertThat(new JsonObject(AccessLog.json(served)).getString("backend")).isEqualTo("192.0.2.1:53");
  }

  @Test
  void everyEndingAndRefusal_isDocumented() throws IOException {
    String accessLog = section(page(), "Access log");
    for (Ending e : Ending.values()) {
      if (e != Ending.REFUSED) {
        assertThat(accessLog).as("the ending %s", e.word()).contains("`" + e.word() + "`");
      }
    }
    assertThat(accessLog).contains("`refused:<reason>`");
    for (Refusal r : Refusal.values()) {
      assertThat(accessLog).as("the refusal %s", r.word()).contains("`" + r.word() + "`");
    }
  }

  @Test
  void theLogLevelSetting_isDocumented() throws IOException {
    assertThat(section(page(), "Logs")).contains("PORTFW_LOG_LEVEL", "`debug`", "`warn`");
  }
}
