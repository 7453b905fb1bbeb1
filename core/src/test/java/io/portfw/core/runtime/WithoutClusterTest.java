package io.portfw.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without the {@code cluster} key nothing of Hazelcast runs: a single instance stays as light as before. */
class WithoutClusterTest {

  @Test
  void create_withoutClusterKey_startsNoHazelcast_andIsNotClustered() throws Exception {
    PortfwConfig config = ConfigLoader.parse("{ \"listeners\": [], \"pools\": [] }", "single.json");
    PortfwRuntime runtime = PortfwRuntime.create(config);
    try {
      runtime.run(config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(runtime.clustered()).isFalse();
      assertThat(runtime.cluster()).isEmpty();
      List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
      // Hazelcast names its threads hz.<instance>.*; Vert.x's clustered event bus would add none of its own.
      assertThat(threads).noneMatch(name -> name.startsWith("hz.") || name.contains("hazelcast"));
    } finally {
      runtime.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
