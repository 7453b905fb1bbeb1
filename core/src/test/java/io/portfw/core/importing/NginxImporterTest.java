package io.portfw.core.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.portfw.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A full nginx.conf with a stream block (resources/imports/nginx.conf, valid for {@code nginx -t}) and broken ones. */
class NginxImporterTest {

  private final Imported imported = new Imported(NginxImporter::new);

  @Test
  void upstreamsBecomePools_withWeightsLimitsBackupsAndPassiveHealth() throws Exception {
    JsonNode config = imported.readResource("/imports/nginx.conf");
    assertThat(ConfigLoader.parse(imported.json, "imported").listeners()).hasSize(4);
    JsonNode db = Imported.named(config.get("pools"), "db");
    assertThat(db.get("balance").asText()).isEqualTo("least-connections");
    assertThat(db.get("backends").toString()).isEqualTo("[{\"address\":\"10.0.1.11:5432\",\"weight\":3,"
        + "\"maxConnections\":100},{\"address\":\"10.0.1.12:5432\"},{\"address\":\"10.0.1.13:5432\",\"backup\":true}]");
    assertThat(db.get("outlier").toString()).as("max_fails=2 fail_timeout=30 (seconds)").isEqualTo(
        "{\"consecutiveFailures\":2,\"ejectionTime\":\"30s\",\"maxEjectionTime\":\"30s\",\"maxEjectionPercent\":100}");
    assertThat(db.get("retries").asInt()).as("proxy_next_upstream_tries 3: the first try and two more").isEqualTo(2);
    JsonNode cache = Imported.named(config.get("pools"), "cache");
    assertThat(cache.get("balance").asText()).isEqualTo("source-hash");
    assertThat(cache.get("proxyProtocol").asText()).isEqualTo("v1");
    assertThat(cache.get("backends").get(1).get("weight").asInt()).as("down").isZero();
    assertThat(Imported.named(config.get("pools"), "dns").get("balance").asText()).isEqualTo("power-of-two");
  }

  @Test
  void serversBecomeListeners_withInheritedTimeouts_udp_acceptedProxyHeaders_andAcls() throws Exception {
    JsonNode config = imported.readResource("/imports/nginx.conf");
    JsonNode db = Imported.named(config.get("listeners"), "tcp-5432");
    assertThat(db.get("listen").asText()).isEqualTo("0.0.0.0:5432");
    assertThat(db.get("timeouts").toString()).isEqualTo("{\"connect\":\"3s\",\"idle\":\"10m\"}");
    assertThat(db.get("acl").toString()).isEqualTo("{\"allow\":[\"10.20.0.0/16\",\"192.168.1.0/24\"]}");
    JsonNode cache = Imported.named(config.get("listeners"), "tcp-6379");
    assertThat(cache.get("acceptProxyProtocol").toString()).isEqualTo("{\"trusted\":[\"192.0.2.10/32\"]}");
    assertThat(cache.get("timeouts").get("idle").asText()).isEqualTo("1h");
    JsonNode dns = Imported.named(config.get("listeners"), "udp-53");
    assertThat(dns.get("protocol").asText()).isEqualTo("udp");
    assertThat(dns.get("sessionIdle").asText()).isEqualTo("20s");
    assertThat(dns.get("responses").asInt()).isEqualTo(1);
    assertThat(dns.get("acl").toString()).isEqualTo("{\"deny\":[\"198.51.100.0/24\"]}");
  }

  @Test
  void aMapOfServerNames_becomesRoutes() throws Exception {
    JsonNode tls = Imported.named(imported.readResource("/imports/nginx.conf").get("listeners"), "tcp-443");
    assertThat(tls.get("pool").asText()).as("the map's default").isEqualTo("tls_web");
    assertThat(tls.get("routes").toString()).isEqualTo("[{\"serverName\":\"api.example.com\",\"pool\":\"tls_api\"},"
        + "{\"serverName\":\"shop.example.com\",\"pool\":\"tls_web\"},"
        + "{\"serverName\":\"*.shop.example.com\",\"pool\":\"tls_web\"}]");
    assertThat(tls.get("sniTimeout").asText()).isEqualTo("5s");
  }

  @Test
  void orderDependentAllowDeny_andHttp_areReported() throws Exception {
    JsonNode config = imported.readResource("/imports/nginx.conf");
    assertThat(config.get("listeners").findValuesAsText("listen")).doesNotContain("0.0.0.0:2222");
    assertThat(config.get("pools").findValuesAsText("name")).as("no pool left over").hasSize(5);
    assertThat(imported.line(88).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(92).why()).contains("a deny after an allow");
    assertThat(imported.line(10).why()).contains("an http block");
    assertThat(imported.line(12).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(58).outcome()).as("proxy_pass db").isEqualTo(ImportReport.Outcome.CARRIED);
    assertThat(imported.line(31).outcome()).as("down").isEqualTo(ImportReport.Outcome.APPROXIMATED);
    assertThat(imported.report.entries()).extracting(ImportReport.Entry::line).doesNotHaveDuplicates();
  }

  @Test
  void aFileOfStreamDirectives_isReadToo_andHostsWithoutAPortGet80() throws Exception {
    JsonNode config = imported.read(List.of(
        "upstream web { server backend.internal; server [2001:db8::5]:8080 max_conns=5; }",
        "server { listen 127.0.0.1:8000-8009; proxy_pass web; proxy_next_upstream off; }"));
    assertThat(config.get("pools").get(0).get("backends").findValuesAsText("address"))
        .containsExactly("backend.internal:80", "[2001:db8::5]:8080");
    assertThat(config.get("pools").get(0).get("retries").asInt()).isZero();
    assertThat(config.get("listeners").get(0).get("listen").asText()).isEqualTo("127.0.0.1:8000-8009");
    assertThat(imported.report.complete()).isTrue();
  }

  @Test
  void addressesPortfwCannotRead_areReported_notWrittenIntoABrokenConfig() throws Exception {
    JsonNode config = imported.read(List.of(
        "upstream u { server 127.0.0.1:9; }",
        "server { listen 70000; proxy_pass u; }",
        "server { listen 9001; proxy_pass u; deny 10.0.0.1/8; }",
        "server { listen 9002 proxy_protocol; set_real_ip_from lb.example.com; proxy_pass u; }"));
    assertThat(config.get("listeners").findValuesAsText("listen")).containsExactly("0.0.0.0:9002");
    assertThat(imported.line(2).why()).contains("70000 is not a host:port");
    assertThat(imported.line(3).why()).contains("host bits set");
    assertThat(imported.line(4).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(config.get("listeners").get(0).get("acceptProxyProtocol").toString()).contains("0.0.0.0/0");
    ConfigLoader.parse(imported.json, "imported");
  }

  @Test
  void inputThatIsNotAnNginxConf_namesTheLine() {
    assertThatThrownBy(() -> imported.read(List.of("stream {", "  server {", "    listen 80;", "    proxy_pass a:1", "  }",
        "}"))).isInstanceOf(ImportException.class).hasMessageContaining("\"proxy_pass\" is not ended by \";\"")
        .satisfies(e -> assertThat(((ImportException) e).line()).isEqualTo(4));
    assertThatThrownBy(() -> imported.read(List.of("stream {", "  server { listen 80; proxy_pass a:1; }")))
        .hasMessageContaining("\"}\" is missing");
    assertThatThrownBy(() -> imported.read(List.of("}"))).hasMessageContaining("closes no block");
    assertThatThrownBy(() -> imported.read(List.of("http { server { listen 80; } }")))
        .hasMessageContaining("no stream { server");
    assertThatThrownBy(() -> imported.read(List.of("stream { upstream { server a:1; } server { listen 1; } }")))
        .hasMessageContaining("upstream NAME");
  }
}
