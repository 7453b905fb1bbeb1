package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstalledBalanceNamesTest {

  @Test
  void get_isTheProvidersNames_inTheirOrder() {
    assertThat(InstalledBalanceNames.get())
        .containsExactly("round-robin", "least-connections", "power-of-two", "random", "source-hash");
  }

  @Test
  void from_aLoaderWithNoProvider_isEmpty() {
    assertThat(InstalledBalanceNames.from(ClassLoader.getPlatformClassLoader())).isEmpty();
  }

  @Test
  void aPool_whenNoStrategyIsInstalled_isRefusedSayingSo() throws Exception {
    Problems problems = new Problems();
    JsonObjectReader pool = new JsonObjectReader(new ObjectMapper().readTree(
        "{ \"name\": \"web\", \"backends\": [ { \"address\": \"10.0.0.1:80\" } ] }"), "pools[0]", problems);

    assertThat(new PoolSection(problems, new AddressParser(problems), new CrossChecks(problems), List.of(),
        java.nio.file.Path.of(".")).read(pool))
        .isEmpty();
    assertThat(problems.list()).extracting(ConfigError::toString).containsExactly(
        "pools[0].balance: \"round-robin\" cannot be checked: no balancing strategies are installed "
            + "(no io.portfw.config.BalanceNames provider is on the class path)");
  }
}
