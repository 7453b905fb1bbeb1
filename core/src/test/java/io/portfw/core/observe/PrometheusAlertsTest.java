package io.portfw.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portfw.testing.Promtool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/prometheus-alerts.yml: valid for Prometheus, every alert labelled and explained, and each
 * proven by promtool's unit tests in docs/prometheus-alerts.test.yml to fire when it should and
 * not otherwise. (MonitoringFilesIT holds its metric names to a real scrape.)
 */
class PrometheusAlertsTest {

  private static final Path DOCS = Path.of("..", "docs").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void rules_passPromtoolCheck() throws Exception {
    Promtool.Run check = Promtool.run(DOCS, "check", "rules", "prometheus-alerts.yml");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.stdout()).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  void rules_passTheirUnitTests() throws Exception {
    Promtool.Run test = Promtool.run(DOCS, "test", "rules", "prometheus-alerts.test.yml");
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.stdout()).contains("SUCCESS");
  }

  @Test
  void everyAlert_hasASeverityASummaryAndADescription_andATestWhereItFires() throws IOException {
    Set<String> firing = new HashSet<>();
    for (JsonNode test : YAML.readTree(DOCS.resolve("prometheus-alerts.test.yml").toFile()).get("tests")) {
      for (JsonNode expected : test.get("alert_rule_test")) {
        if (!expected.get("exp_alerts").isEmpty()) {
          firing.add(expected.get("alertname").asText());
        }
      }
    }
    List<JsonNode> alerts = alerts();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
    for (JsonNode alert : alerts) {
      String name = alert.get("alert").asText();
      assertThat(alert.at("/labels/severity").asText()).as(name).isIn("warning", "critical");
      assertThat(alert.at("/annotations/summary").asText()).as(name).isNotBlank();
      assertThat(alert.at("/annotations/description").asText()).as(name).isNotBlank();
      assertThat(firing).as("a test case where %s fires", name).contains(name);
    }
  }

  /** Every alerting rule of the file. */
  static List<JsonNode> alerts() throws IOException {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode group : YAML.readTree(DOCS.resolve("prometheus-alerts.yml").toFile()).get("groups")) {
      group.get("rules").forEach(rule -> {
        if (rule.has("alert")) {
          alerts.add(rule);
        }
      });
    }
    return alerts;
  }
}
