package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigDiffTest {

  private static PortfwConfig parse(String json) throws ConfigException {
    return ConfigLoader.parse(json, "diff.json");
  }

  @Test
  void between_sortsEveryChangeByKind() throws Exception {
    PortfwConfig old = parse("""
        { "listeners": [
            { "name": "keep", "listen": "0.0.0.0:80", "pool": "web" },
            { "name": "move", "listen": "0.0.0.0:81", "pool": "web" },
            { "name": "tune", "listen": "0.0.0.0:82", "pool": "web" },
            { "name": "gone", "listen": "0.0.0.0:83", "pool": "old" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.1:80" } ] },
                     { "name": "old", "backends": [ { "address": "10.0.0.2:80" } ] } ] }
        """);
    PortfwConfig next = parse("""
        { "listeners": [
            { "name": "keep", "listen": "0.0.0.0:80", "pool": "web" },
            { "name": "move", "listen": "0.0.0.0:91", "pool": "web" },
            { "name": "tune", "listen": "0.0.0.0:82", "pool": "mail", "timeouts": { "idle": "5m" } },
            { "name": "new", "listen": "0.0.0.0:84", "pool": "mail" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.1:80", "weight": 3 } ] },
                     { "name": "mail", "backends": [ { "address": "10.0.0.3" } ] } ] }
        """);

    ConfigDiff diff = ConfigDiff.between(old, next);

    assertThat(diff.added()).extracting(ListenerConfig::name).containsExactly("new");
    assertThat(diff.removed()).extracting(ListenerConfig::name).containsExactly("gone");
    assertThat(diff.rebound()).extracting(ListenerConfig::name).containsExactly("move");
    assertThat(diff.changed()).extracting(ListenerConfig::name).containsExactly("tune");
    assertThat(diff.poolsAdded()).extracting(PoolConfig::name).containsExactly("mail");
    assertThat(diff.poolsRemoved()).extracting(PoolConfig::name).containsExactly("old");
    assertThat(diff.poolsChanged()).extracting(PoolConfig::name).containsExactly("web");
    assertThat(diff.summary()).isEqualTo("+1 listener, -1 listener, rebound 1 listener, ~1 listener, +1 pool, -1 pool, ~1 pool");
  }

  @Test
  void between_sameAddressUnderANewName_isARename() throws Exception {
    PortfwConfig old = parse("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """);
    PortfwConfig next = parse("""
        { "listeners": [ { "name": "www", "listen": "0.0.0.0:80", "pool": "web", "timeouts": { "idle": "5m" } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """);

    ConfigDiff diff = ConfigDiff.between(old, next);

    assertThat(diff.renamed()).containsExactlyEntriesOf(java.util.Map.of("www", "web"));
    assertThat(diff.added()).isEmpty();
    assertThat(diff.removed()).isEmpty();
    assertThat(diff.summary()).isEqualTo("renamed 1 listener");
  }

  @Test
  void between_sameConfig_isEmpty() throws Exception {
    String json = """
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """;
    ConfigDiff diff = ConfigDiff.between(parse(json), parse(json));
    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.summary()).isEqualTo("no change");
  }
}
