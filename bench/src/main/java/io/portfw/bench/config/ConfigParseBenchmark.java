package io.portfw.bench.config;

import io.portfw.bench.BenchmarkDefaults;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The time to read a config from its text into a validated {@link PortfwConfig}: JSON parsing,
 * every check {@link ConfigLoader} makes, and building the records, as on start and on every
 * reload (reading the file itself is left out). {@code small} is one listener and one pool of one
 * backend; {@code large} is 200 listeners and 200 pools of 10 backends each, every pool with an
 * HTTP health check and outlier detection, so the result scales with what a big deployment
 * reloads. Both texts are generated in {@link #setUp()} and parsed once there to prove them valid.
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar ConfigParseBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConfigParseBenchmark extends BenchmarkDefaults {

  /** No environment: the generated configs have no {@code ${NAME}} references to resolve. */
  private static final Function<String, String> NO_ENV = name -> null;

  @Param({"small", "large"})
  public String size;

  private String json;

  @Setup
  public void setUp() throws ConfigException {
    json = size.equals("small") ? small() : large(200, 10);
    PortfwConfig config = ConfigLoader.parse(json, size, NO_ENV);
    int expected = size.equals("small") ? 1 : 200;
    if (config.listeners().size() != expected || config.pools().size() != expected) {
      throw new IllegalStateException("the " + size + " config parsed into " + config.summary());
    }
  }

  @Benchmark
  public PortfwConfig parse() throws ConfigException {
    return ConfigLoader.parse(json, size, NO_ENV);
  }

  static String small() {
    return """
        { "listeners": [ { "name": "web", "listen": "127.0.0.1:8080", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """;
  }

  /** {@code count} listeners, each on its own port with its own pool of {@code backends}. */
  static String large(int count, int backends) {
    StringBuilder text = new StringBuilder("{ \"admin\": { \"listen\": \"127.0.0.1:9090\" },\n  \"listeners\": [\n");
    for (int i = 0; i < count; i++) {
      text.append("    { \"name\": \"svc-").append(i).append("\", \"listen\": \"0.0.0.0:").append(10000 + i)
          .append("\", \"pool\": \"pool-").append(i).append("\", \"timeouts\": { \"connect\": \"2s\", \"idle\": \"10m\" } }")
          .append(i + 1 < count ? ",\n" : "\n");
    }
    text.append("  ],\n  \"pools\": [\n");
    for (int i = 0; i < count; i++) {
      text.append("    { \"name\": \"pool-").append(i).append("\", \"balance\": \"least-connections\",\n")
          .append("      \"health\": { \"type\": \"http\", \"path\": \"/healthz\", \"expectStatus\": \"200-299\",")
          .append(" \"interval\": \"2s\", \"timeout\": \"1s\", \"rise\": 2, \"fall\": 3 },\n")
          .append("      \"outlier\": { \"consecutiveFailures\": 5, \"ejectionTime\": \"30s\" },\n")
          .append("      \"backends\": [");
      for (int b = 0; b < backends; b++) {
        text.append(b == 0 ? " " : ", ").append("{ \"address\": \"10.").append(i / 250).append('.').append(i % 250)
            .append('.').append(b + 1).append(":8080\", \"weight\": ").append(1 + b % 3).append(" }");
      }
      text.append(" ] }").append(i + 1 < count ? ",\n" : "\n");
    }
    return text.append("  ] }\n").toString();
  }
}
