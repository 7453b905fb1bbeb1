package io.portfw.core.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RinetdImporterTest {

  @TempDir
  Path dir;

  private JsonNode importing(ImportReport report, String... lines) throws Exception {
    Path services = Files.writeString(dir.resolve("services"), "http 80/tcp www # web\ndomain 53/udp\n");
    ConfigDraft draft = new ConfigDraft();
    new RinetdImporter(new ServiceNames(services)).read(List.of(lines), draft, report);
    return new ObjectMapper().readTree(draft.toJson());
  }

  @Test
  void rulesWithServiceNamesUdpIpv6AndOptions() throws Exception {
    ImportReport report = new ImportReport();
    JsonNode config = importing(report,
        "# rinetd.conf",
        "0.0.0.0 www 10.0.0.5 http",
        ":: 2222 [2001:db8::7] 22",
        "192.0.2.1 domain/udp 10.0.0.53 53/udp [timeout=20]",
        "logfile /var/log/rinetd.log");
    JsonNode listeners = config.get("listeners");
    assertThat(listeners.get(0).get("listen").asText()).isEqualTo("0.0.0.0:80");
    assertThat(config.get("pools").get(0).get("backends").get(0).get("address").asText()).isEqualTo("10.0.0.5:80");
    assertThat(listeners.get(1).get("listen").asText()).isEqualTo("[::]:2222");
    assertThat(config.get("pools").get(1).get("backends").get(0).get("address").asText()).isEqualTo("[2001:db8::7]:22");
    assertThat(listeners.get(2).get("protocol").asText()).isEqualTo("udp");
    assertThat(listeners.get(2).get("sessionIdle").asText()).isEqualTo("20s");
    assertThat(config.get("accessLog").get("output").asText()).isEqualTo("/var/log/rinetd.log");
    assertThat(report.complete()).isTrue();
  }

  @Test
  void globalAndRuleAllowsIntersect_deniesAddUp() throws Exception {
    JsonNode config = importing(new ImportReport(),
        "allow 10.*",
        "deny 10.9.*",
        "0.0.0.0 80 10.0.0.5 80",
        "allow 10.1.*",
        "allow 192.168.*",
        "deny 10.1.2.3");
    JsonNode acl = config.get("listeners").get(0).get("acl");
    assertThat(acl.get("allow").toString()).isEqualTo("[\"10.1.0.0/16\"]");
    assertThat(acl.get("deny").toString()).isEqualTo("[\"10.9.0.0/16\",\"10.1.2.3/32\"]");
  }

  @Test
  void aRuleWhosePatternsCannotBeConverted_isLeftOutRatherThanOpened() throws Exception {
    ImportReport report = new ImportReport();
    JsonNode config = importing(report, "0.0.0.0 80 10.0.0.5 80", "allow 10.*.*.1", "0.0.0.0 81 10.0.0.6 80");
    assertThat(config.get("listeners")).hasSize(1);
    assertThat(report.entries()).anySatisfy(e -> {
      assertThat(e.line()).isEqualTo(1);
      assertThat(e.outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
      assertThat(e.why()).contains("10.*.*.1 on line 2");
    });
  }

  @Test
  void unreadableLines_nameTheLine() {
    assertThatThrownBy(() -> importing(new ImportReport(), "0.0.0.0 80 10.0.0.5"))
        .hasMessageContaining("this line has 3 word(s)");
    assertThatThrownBy(() -> importing(new ImportReport(), "0.0.0.0 gopherx 10.0.0.5 70"))
        .hasMessageContaining("\"gopherx\" is neither a port number nor a service name");
    assertThatThrownBy(() -> importing(new ImportReport(), "0.0.0.0 53/udp 10.0.0.5 53"))
        .hasMessageContaining("rinetd forwards udp to udp only");
  }
}
