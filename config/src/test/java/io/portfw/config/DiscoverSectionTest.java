package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pool key {@code discover}: a name with a port, or an SRV name; listed backends optional beside it. */
class DiscoverSectionTest {

  private static PoolConfig pool(String keys) throws ConfigException {
    return ConfigLoader.parse("{ \"listeners\": [], \"pools\": [ { \"name\": \"p\", " + keys + " } ] }", "test")
        .pools().get(0);
  }

  private static List<String> errors(String keys) {
    try {
      pool(keys);
      throw new AssertionError("accepted: " + keys);
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  @Test
  void nameWithPort_orSrv_isRead() throws Exception {
    PoolConfig byName = pool("\"discover\": { \"name\": \"web.internal\", \"port\": 80 }");
    assertThat(byName.discover()).contains(DiscoverConfig.addresses("web.internal", 80));
    assertThat(byName.backends()).isEmpty();
    PoolConfig bySrv = pool("\"discover\": { \"srv\": \"_http._tcp.web.internal\" }, "
        + "\"backends\": [ { \"address\": \"10.0.0.1:80\" } ]");
    assertThat(bySrv.discover()).contains(DiscoverConfig.srv("_http._tcp.web.internal"));
    assertThat(bySrv.backends()).hasSize(1);
    assertThat(pool("\"backends\": [ { \"address\": \"10.0.0.1:80\" } ]").discover()).isEmpty();
  }

  @Test
  void eachMistake_isNamedWhereItIs() {
    assertThat(errors("\"discover\": { \"name\": \"web.internal\" }"))
        .containsExactly("pools[0].discover.port: is required with \"name\": the port the discovered backends listen on");
    assertThat(errors("\"discover\": { \"name\": \"web.internal\", \"port\": 0 }"))
        .containsExactly("pools[0].discover.port: 0 is out of range 1-65535");
    assertThat(errors("\"discover\": { \"name\": \"web.internal\", \"port\": 65536 }"))
        .containsExactly("pools[0].discover.port: 65536 is out of range 1-65535");
    assertThat(errors("\"discover\": { \"name\": \"web.internal\", \"srv\": \"_http._tcp.web.internal\", \"port\": 80 }"))
        .containsExactly("pools[0].discover: give either \"name\" (one backend per A/AAAA record) or \"srv\" "
            + "(one per SRV record), not both");
    assertThat(errors("\"discover\": {}")).containsExactly("pools[0].discover: needs \"name\" with \"port\" "
        + "(one backend per A/AAAA record) or \"srv\" (one per SRV record)");
    assertThat(errors("\"discover\": { \"srv\": \"_http._tcp.web.internal\", \"port\": 80 }"))
        .containsExactly("pools[0].discover.port: is not used with \"srv\": each SRV record gives its backend's port");
    assertThat(errors("\"discover\": { \"name\": \"10.0.0.1\", \"port\": 80 }")).containsExactly(
        "pools[0].discover.name: 10.0.0.1 is an address, not a name to look up: list it under \"backends\" instead");
    assertThat(errors("\"discover\": { \"name\": \"web internal\", \"port\": 80 }")).containsExactly(
        "pools[0].discover.name: \"web internal\" is not a DNS name (labels of letters, digits, '-' and '_', joined by dots)");
    assertThat(errors("\"discover\": { \"srv\": \"_http._tcp.web.internal\", \"ttl\": \"5s\" }"))
        .hasSize(1).allMatch(e -> e.startsWith("pools[0].discover.ttl"));
  }

  @Test
  void aPoolWithNeitherBackendsNorDiscover_isRefusedAsBefore() {
    assertThat(errors("\"balance\": \"round-robin\"")).containsExactly(
        "pools[0].backends: is required: a pool needs at least one backend, or \"discover\" to find them in DNS");
    assertThat(errors("\"backends\": []")).containsExactly("pools[0].backends: a pool needs at least one backend");
    assertThat(errors("\"backends\": [], \"discover\": { \"srv\": \"_http._tcp.web.internal\" }")).containsExactly(
        "pools[0].backends: a pool needs at least one backend when it lists them "
            + "(leave \"backends\" out to use only the discovered ones)");
  }

  @Test
  void theRecordRefusesAPortWithSrv_andNoneWithAName() {
    assertThatThrownBy(() -> new DiscoverConfig("_x._tcp.a", true, 80)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DiscoverConfig.addresses("a", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
