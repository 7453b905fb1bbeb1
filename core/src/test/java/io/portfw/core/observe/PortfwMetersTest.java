package io.portfw.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import io.portfw.health.HealthChecks;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link PortfwMeters} is the one list of meters: what the metrics register and what the operations page lists. */
class PortfwMetersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void operationsPage_listsEveryMeterAsTheEnumDescribesIt() throws IOException {
    String page = Files.readString(Path.of("..", "docs", "operations.md"));
    List<String> documented = page.lines().filter(l -> l.startsWith("| `portfw_")).toList();
    List<String> expected = Arrays.stream(PortfwMeters.values()).map(PortfwMetersTest::row).toList();
    assertThat(documented).containsExactlyElementsOf(expected);
  }

  @Test
  void metrics_registerEveryMeterOfTheEnum_withItsTagKeys() throws IOException {
    AccessLog accessLog = AccessLog.open(Optional.empty());
    PortfwMetrics metrics = new PortfwMetrics(new HealthChecks(vertx), new Connections(accessLog), accessLog,
        new WarmCounts());
    Pool pool = Pools.fromConfig(PoolConfig.of("web", PoolConfig.DEFAULT_BALANCE,
        List.of(BackendConfig.of(new BackendAddress("127.0.0.1", 8080)))));
    metrics.sync(Map.of("dns", new MeteredListener(new ListenerCounters(), true),
        "https", new MeteredListener(new ListenerCounters(), false, List.of(new CertificateExpiry("www.pem", 1_800_000_000L)))),
        Map.of("web", pool), Map.of("web", new QueueStats(() -> 0)));
    metrics.discoveries(Map.of("web", new DiscoveryStats("web.internal A/AAAA")));
    ClusterStats cluster = new ClusterStats() {
      @Override public int members() { return 2; }
      @Override public boolean alone() { return false; }
      @Override public int configMismatches() { return 0; }
      @Override public Set<String> otherMembers() { return Set.of("127.0.0.2:5701"); }
      @Override public double lastContactSeconds(String member) { return 0.5; }
      @Override public double lagSeconds(String member) { return 0.001; }
    };
    metrics.cluster(cluster);
    metrics.syncClusterMembers(cluster);

    Map<String, Set<Set<String>>> registered = new TreeMap<>();
    for (Meter meter : metrics.registry().getMeters()) {
      if (!meter.getId().getName().startsWith("portfw.")) {
        continue; // the JVM and process meters: JvmProcessMetricsTest
      }
      Set<String> keys = meter.getId().getTags().stream().map(t -> t.getKey()).collect(Collectors.toCollection(TreeSet::new));
      registered.computeIfAbsent(meter.getId().getName(), n -> new java.util.HashSet<>()).add(keys);
    }
    Map<String, Set<Set<String>>> described = new TreeMap<>();
    for (PortfwMeters m : PortfwMeters.values()) {
      described.put(m.meterName(), Set.of(new TreeSet<>(m.tagKeys())));
    }
    metrics.close();
    assertThat(registered).isEqualTo(described);
  }

  private static String row(PortfwMeters m) {
    String tags = m.tagKeys().isEmpty() ? "" : "{" + String.join(",", m.tagKeys()) + "}";
    String type = m.type() == Meter.Type.TIMER ? "histogram" : m.type().name().toLowerCase(Locale.ROOT);
    return "| `" + m.prometheusName() + tags + "` | " + type + " | " + m.description() + " |";
  }
}
