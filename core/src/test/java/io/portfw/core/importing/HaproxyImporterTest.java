package io.portfw.core.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An haproxy.cfg as it is run (resources/imports/haproxy.cfg, valid for {@code haproxy -c}) and broken ones. */
class HaproxyImporterTest {

  private final Imported imported = new Imported(HaproxyImporter::new);

  @Test
  void aListenWithDefaults_becomesAListenerPerBind_andAPoolWithItsChecks() throws Exception {
    JsonNode config = imported.readResource("/imports/haproxy.cfg");
    PortfwConfig loaded = ConfigLoader.parse(imported.json, "imported");
    assertThat(loaded.listeners()).hasSize(3);
    JsonNode pg = Imported.named(config.get("pools"), "postgres");
    assertThat(pg.get("balance").asText()).isEqualTo("least-connections");
    assertThat(pg.get("retries").asInt()).isEqualTo(3);
    assertThat(pg.get("slowStart").asText()).isEqualTo("30s");
    assertThat(pg.get("backends").get(0).toString())
        .isEqualTo("{\"address\":\"10.0.1.11:5432\",\"weight\":100,\"maxConnections\":200}");
    assertThat(pg.get("backends").get(1).get("backup").asBoolean()).isTrue();
    assertThat(pg.get("queue").get("max").asInt()).isEqualTo(1_000_000);
    assertThat(pg.get("health").toString()).isEqualTo(
        "{\"type\":\"send-expect\",\"expect\":\"\\\\+PONG\",\"send\":\"PING\\r\\n\",\"interval\":\"3s\",\"rise\":2,\"fall\":3}");
    JsonNode listener = Imported.named(config.get("listeners"), "postgres");
    assertThat(listener.get("listen").asText()).isEqualTo("0.0.0.0:5432");
    assertThat(Imported.named(config.get("listeners"), "postgres-2").get("listen").asText()).isEqualTo("[::]:5433");
    assertThat(listener.get("timeouts").toString()).isEqualTo("{\"connect\":\"5s\",\"idle\":\"1m\",\"fin\":\"10s\"}");
    assertThat(listener.get("acl").toString()).isEqualTo("{\"allow\":[\"10.20.0.0/16\"]}");
  }

  @Test
  void aFrontendRoutesByServerName_toItsBackends() throws Exception {
    JsonNode config = imported.readResource("/imports/haproxy.cfg");
    JsonNode tls = Imported.named(config.get("listeners"), "tls_in");
    assertThat(tls.get("listen").asText()).isEqualTo("203.0.113.10:443");
    assertThat(tls.get("pool").asText()).isEqualTo("web");
    assertThat(tls.get("routes").toString()).isEqualTo("[{\"serverName\":\"api.example.com\",\"pool\":\"api\"},"
        + "{\"serverName\":\"*.shop.example.com\",\"pool\":\"shop\"}]");
    assertThat(tls.get("sniTimeout").asText()).isEqualTo("5s");
    assertThat(tls.get("limits").get("maxConnections").asInt()).isEqualTo(5000);
    assertThat(tls.get("acl").toString()).isEqualTo("{\"deny\":[\"198.51.100.0/24\",\"192.0.2.66/32\"]}");
    assertThat(tls.get("acceptProxyProtocol").get("trusted").toString()).isEqualTo("[\"0.0.0.0/0\",\"::/0\"]");
    assertThat(tls.get("timeouts").get("idle").asText()).as("timeout tunnel of the default backend").isEqualTo("1h");
    JsonNode api = Imported.named(config.get("pools"), "api");
    assertThat(api.get("balance").asText()).isEqualTo("source-hash");
    assertThat(api.get("proxyProtocol").asText()).isEqualTo("v2");
    assertThat(api.get("sticky").toString()).isEqualTo("{\"maxEntries\":102400,\"ttl\":\"30m\"}");
    assertThat(api.get("health").get("type").asText()).isEqualTo("tcp");
    JsonNode shop = Imported.named(config.get("pools"), "shop");
    assertThat(shop.get("balance").asText()).isEqualTo("power-of-two");
    assertThat(shop.get("health").toString()).isEqualTo(
        "{\"type\":\"http\",\"path\":\"/healthz\",\"expectStatus\":\"200\",\"interval\":\"5s\",\"port\":8080}");
    assertThat(Imported.named(config.get("pools"), "web").get("backends").get(0).get("weight").asInt()).isEqualTo(3);
  }

  @Test
  void everyLineIsReported_httpSectionsAndGlobalDropped_approximationsSayWhy() throws Exception {
    imported.readResource("/imports/haproxy.cfg");
    assertThat(imported.line(1).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(1).why()).contains("process settings");
    assertThat(imported.line(11).outcome()).as("option tcplog").isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(14).outcome()).as("retries").isEqualTo(ImportReport.Outcome.APPROXIMATED);
    assertThat(imported.line(16).why()).as("timeout client, with the tunnel of web").isEmpty();
    assertThat(imported.line(37).outcome()).as("bind accept-proxy").isEqualTo(ImportReport.Outcome.APPROXIMATED);
    assertThat(imported.line(37).why()).contains("acceptProxyProtocol.trusted");
    ImportReport.Entry httpFrontend = imported.report.entries().stream().filter(e -> e.source().strip().equals("frontend www"))
        .findFirst().orElseThrow();
    assertThat(httpFrontend.outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(httpFrontend.why()).contains("mode http");
    assertThat(imported.report.entries()).extracting(ImportReport.Entry::line).doesNotHaveDuplicates();
    assertThat(imported.report.complete()).isFalse();
  }

  @Test
  void orderDependentConnectionRules_areReported_notGuessed() throws Exception {
    JsonNode config = imported.read(List.of(
        "listen l", "  bind 127.0.0.1:7000",
        "  acl lan src 10.0.0.0/8", "  acl bad src 10.6.6.6",
        "  tcp-request connection accept if lan",
        "  tcp-request connection reject if bad",
        "  tcp-request connection reject",
        "  server s 127.0.0.1:7001 frobnicate"));
    assertThat(Imported.named(config.get("listeners"), "l").get("acl").toString()).isEqualTo("{\"allow\":[\"10.0.0.0/8\"]}");
    assertThat(imported.line(6).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(6).why()).contains("follows an accept rule");
    assertThat(imported.line(8).why()).contains("the server param frobnicate is not carried");
    ConfigLoader.parse(imported.json, "imported");
  }

  @Test
  void checkSteps_portfwCannotRun_areReported_andTheConfigStillLoads() throws Exception {
    JsonNode config = imported.read(List.of("listen l", "  bind 127.0.0.1:7000",
        "  tcp-check send-binary 0d0a", "  tcp-check expect rstring (unclosed",
        "  server s 127.0.0.1:7001 check", "  server t 127.0.0.1:7002"));
    assertThat(config.get("pools").get(0).get("health").get("send").asText()).isEqualTo("\r\n");
    assertThat(imported.line(4).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(3).why()).contains("passes on any reply");
    assertThat(imported.line(6).why()).contains("HAProxy does not check this server");
    ConfigLoader.parse(imported.json, "imported");
  }

  @Test
  void unknownKeywords_areReportedAsDropped() throws Exception {
    imported.read(List.of("listen l", "  bind 127.0.0.1:7000", "  server s 127.0.0.1:7001", "  option splice-auto",
        "  use_backend other if { src 10.0.0.1 }"));
    assertThat(imported.line(4).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(4).why()).contains("option splice-auto");
    assertThat(imported.line(5).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
  }

  @Test
  void aFrontendWithoutABackend_isDroppedWithWhy() throws Exception {
    imported.read(List.of("frontend f", "  bind 127.0.0.1:7000", "  default_backend missing",
        "listen l", "  bind 127.0.0.1:7001", "  server s 127.0.0.1:7002"));
    assertThat(imported.line(1).outcome()).isEqualTo(ImportReport.Outcome.DROPPED);
    assertThat(imported.line(2).why()).contains("no tcp backend to forward to");
    assertThat(imported.line(3).why()).contains("no tcp backend named missing");
    ConfigLoader.parse(imported.json, "imported");
  }

  @Test
  void inputThatIsNotAnHaproxyCfg_namesTheLine() {
    assertThatThrownBy(() -> imported.read(List.of("# rinetd", "0.0.0.0 80 10.0.0.5 80")))
        .isInstanceOf(ImportException.class).hasMessageContaining("comes before any section")
        .satisfies(e -> assertThat(((ImportException) e).line()).isEqualTo(2));
    assertThatThrownBy(() -> imported.read(List.of("listen l", "  bind :80", "  server s \"10.0.0.1:80")))
        .hasMessageContaining("quote is not closed")
        .satisfies(e -> assertThat(((ImportException) e).line()).isEqualTo(3));
    assertThatThrownBy(() -> imported.read(List.of("listen l", "  server s")))
        .hasMessageContaining("server NAME ADDRESS");
    assertThatThrownBy(() -> imported.read(List.of("backend b", "  server s 10.0.0.1:80")))
        .hasMessageContaining("no frontend or listen");
  }
}
