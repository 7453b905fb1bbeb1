package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

  private static final String JSON = """
      { "admin": { "listen": "127.0.0.1:9900", "token": "${ADMIN_TOKEN}" },
        "listeners": [ { "name": "web", "listen": "${BIND:-0.0.0.0}:${WEB_PORT:-8080}", "pool": "web" } ],
        "pools": [ { "name": "web", "backends": [ { "address": "${WEB_HOST}:80" } ] } ] }
      """;

  @Test
  void references_takeTheEnvironmentOrTheirDefault() throws Exception {
    Map<String, String> env = Map.of("ADMIN_TOKEN", "0123456789abcdef-secret", "WEB_HOST", "10.0.0.11", "WEB_PORT", "80");

    PortfwConfig config = ConfigLoader.parse(JSON, "env.json", env::get);

    assertThat(config.admin().token()).contains("0123456789abcdef-secret");
    assertThat(config.listeners().get(0).listen()).isEqualTo(ListenAddress.of("0.0.0.0", 80));
    assertThat(config.pools().get(0).backends().get(0).address()).isEqualTo(new BackendAddress("10.0.0.11", 80));
  }

  @Test
  void unsetVariableWithoutDefault_isAnErrorAtItsPath() {
    assertThatThrownBy(() -> ConfigLoader.parse(JSON, "env.json", Map.of("WEB_HOST", "10.0.0.11")::get))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).errors()).extracting(ConfigError::toString).containsExactly(
            "admin.token: environment variable ADMIN_TOKEN is not set (write ${ADMIN_TOKEN:-default} to give a default)"));
  }

  @Test
  void emptyVariable_takesTheDefault_asInTheShell() throws Exception {
    Map<String, String> env = Map.of("ADMIN_TOKEN", "0123456789abcdef-secret", "WEB_HOST", "10.0.0.11", "WEB_PORT", "");
    assertThat(ConfigLoader.parse(JSON, "env.json", env::get).listeners().get(0).listen().firstPort()).isEqualTo(8080);
  }

  @Test
  void nestedOrStrayReferences_areErrors() {
    String json = """
        { "admin": { "token": "${A:-${B}}" }, "listeners": [],
          "pools": [ { "name": "p", "backends": [ { "address": "${HOST-10.0.0.1}:80" } ] } ] }
        """;
    assertThatThrownBy(() -> ConfigLoader.parse(json, "env.json", name -> null))
        .satisfies(e -> assertThat(((ConfigException) e).errors()).extracting(ConfigError::toString).containsExactly(
            "admin.token: \"${A:-${B}}\": nested references are not supported",
            "pools[0].backends[0].address: \"${HOST-10.0.0.1}:80\" has a ${ that is not a reference: "
                + "write ${NAME}, ${NAME:-default}, or $${ for a literal"));
  }

  @Test
  void doubledDollar_isALiteral() throws Exception {
    String json = """
        { "admin": { "token": "$${NOT_A_VARIABLE}-0123456789" }, "listeners": [], "pools": [] }
        """;
    assertThat(ConfigLoader.parse(json, "env.json", name -> null).admin().token()).contains("${NOT_A_VARIABLE}-0123456789");
  }
}
