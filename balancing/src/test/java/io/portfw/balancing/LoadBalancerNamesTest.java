package io.portfw.balancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portfw.config.ConfigError;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The config loader, with this module's provider on the class path, accepts exactly the strategies LoadBalancers has. */
class LoadBalancerNamesTest {

  static Stream<String> names() {
    return LoadBalancers.names().stream();
  }

  @ParameterizedTest
  @MethodSource("names")
  void configLoader_acceptsEveryStrategy(String name) throws Exception {
    assertThat(ConfigLoader.parse(poolWith(name), "test.json").pool("p").orElseThrow().balance()).isEqualTo(name);
  }

  @Test
  void configLoader_refusesAnUnknownStrategy_listingExactlyTheRegisteredOnes() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.parse(poolWith("fastest"), "test.json"));

    assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
        "pools[0].balance: \"fastest\" is not a balancing strategy (use one of: "
            + String.join(", ", LoadBalancers.names()) + ")");
  }

  private static String poolWith(String balance) {
    return """
        { "listeners": [],
          "pools": [ { "name": "p", "balance": "%s", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """.formatted(balance);
  }
}
