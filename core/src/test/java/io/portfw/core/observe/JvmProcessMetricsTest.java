package io.portfw.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.health.HealthChecks;
import io.portfw.testing.Eventually;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JVM and process meters beside portfw's own: what the scrape shows, the operations page lists. */
class JvmProcessMetricsTest {

  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
  private static final Pattern GC_PAUSES = Pattern.compile("(?m)^jvm_gc_pause_seconds_count\\{[^}]*} (\\d+)");

  private final Vertx vertx = Vertx.vertx();
  private PortfwMetrics metrics;

  @AfterEach
  void close() {
    if (metrics != null) {
      metrics.close();
    }
    vertx.close();
  }

  @Test
  void operationsPage_listsEveryJvmAndProcessMeterOfTheScrape() throws IOException {
    metrics = newMetrics();
    System.gc(); // the GC pause meters appear with the first collection they are told of, a moment later
    Eventually.holds(Duration.ofSeconds(5), "GC pause meters", () -> metrics.scrape().contains("jvm_gc_pause_seconds_count"));
    String scrape = metrics.scrape();
    Map<String, String> scraped = new TreeMap<>();
    Matcher types = TYPE.matcher(scrape);
    while (types.find()) {
      String family = types.group(1);
      if (!family.startsWith("portfw_")) {
        scraped.put(family, "| `" + family + labels(scrape, family) + "` | " + types.group(2) + " |");
      }
    }
    assertThat(scraped).containsKeys("jvm_memory_used_bytes", "jvm_gc_pause_seconds", "jvm_threads_live_threads",
        "process_cpu_usage", "process_files_open_files", "process_files_max_files", "process_uptime_seconds",
        "netty_allocator_memory_used");

    String page = Files.readString(Path.of("..", "docs", "operations.md"));
    Map<String, String> documented = new TreeMap<>();
    page.lines().filter(l -> l.matches("\\| `(jvm|process|system|netty)_.*")).forEach(row -> {
      String family = row.substring(3, row.indexOf(row.contains("{") ? '{' : '`', 3));
      int typeEnd = row.indexOf(" |", row.indexOf("` | ") + 4);
      documented.put(family, row.substring(0, typeEnd + 2));
    });
    assertThat(documented).isEqualTo(scraped);
  }

  @Test
  void close_stopsCountingGcPauses() {
    metrics = newMetrics();
    long before = gcPauses(metrics.scrape());
    System.gc();
    // GC notifications come on a JMX thread after the collection, not on the caller's
    Eventually.holds(Duration.ofSeconds(5), "a collection while open is counted",
        () -> gcPauses(metrics.scrape()) > before);

    metrics.close();
    long counted = gcPauses(metrics.scrape());
    System.gc();
    Eventually.holdsFor(Duration.ofMillis(500), "no collection counted after close",
        () -> gcPauses(metrics.scrape()) == counted);
  }

  private PortfwMetrics newMetrics() {
    try {
      AccessLog accessLog = AccessLog.open(Optional.empty());
      return new PortfwMetrics(new HealthChecks(vertx), new Connections(accessLog), accessLog, new WarmCounts());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The label keys of a family's samples, as {@code {a,b}}, empty when it has none. */
  private static String labels(String scrape, String family) {
    Set<String> keys = new TreeSet<>();
    scrape.lines().filter(l -> l.startsWith(family + "{") || l.startsWith(family + "_count{")).forEach(l -> {
      Matcher m = LABEL.matcher(l.substring(0, l.lastIndexOf('}')));
      while (m.find()) {
        keys.add(m.group(1));
      }
    });
    return keys.isEmpty() ? "" : "{" + String.join(",", keys) + "}";
  }

  /** The collections the GC meters counted, over every collector and cause. */
  private static long gcPauses(String scrape) {
    long total = 0;
    Matcher m = GC_PAUSES.matcher(scrape);
    while (m.find()) {
      total += Long.parseLong(m.group(1));
    }
    return total;
  }
}
