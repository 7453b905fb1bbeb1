package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pool keys {@code transparent} and {@code source}, and a backend's own {@code source}. */
class SourceConfigTest {

  private static final String BASE = """
      { "listeners": [ { "name": "web", "listen": "127.0.0.1:8080", "pool": "web" } ],
        "pools": [ { "name": "web", %s "backends": [ { "address": "127.0.0.1:80" %s } ] } ] }
      """;

  private static PoolConfig pool(String poolKeys, String backendKeys) throws ConfigException {
    return ConfigLoader.parse(BASE.formatted(poolKeys, backendKeys), "source.json").pools().get(0);
  }

  private static void refused(String poolKeys, String backendKeys, String... errors) {
    assertThatThrownBy(() -> pool(poolKeys, backendKeys)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.errors()).map(ConfigError::toString).containsExactlyInAnyOrder(errors));
  }

  @Test
  void leftOut_theKernelChooses() throws Exception {
    PoolConfig pool = pool("", "");
    assertThat(pool.transparent()).isFalse();
    assertThat(pool.source()).isEmpty();
    assertThat(pool.bindsSource()).isFalse();
  }

  @Test
  void source_readsAnAddress_withOrWithoutAPortRange_forThePoolOrOneBackend() throws Exception {
    InetAddress two = InetAddress.getByName("127.0.0.2");
    assertThat(pool("\"source\": \"127.0.0.2\",", "").source()).contains(SourceAddress.of(two));
    assertThat(pool("\"source\": \"127.0.0.2:1025-65000\",", "").source())
        .contains(new SourceAddress(two, 1025, 65000));
    PoolConfig own = pool("", ", \"source\": \"127.0.0.3\"");
    assertThat(own.backends().get(0).source()).contains(SourceAddress.of(InetAddress.getByName("127.0.0.3")));
    assertThat(own.bindsSource()).isTrue();
    assertThat(pool("\"transparent\": true,", "").transparent()).isTrue();
  }

  @Test
  void source_notAnAddressOfThisMachine_orNotAnAddressAtAll_isRefusedSayingWhy() {
    refused("\"source\": \"192.0.2.1\",", "",
        "pools[0].source: 192.0.2.1 is not an address of this machine (no socket can be bound to it here)");
    refused("\"source\": \"gateway.example\",", "",
        "pools[0].source: \"gateway.example\" is not an IP address: a source is one of this machine's own addresses");
    refused("\"source\": \"0.0.0.0\",", "", "pools[0].source: 0.0.0.0 is the wildcard address: name the local address"
        + " to connect from, or leave \"source\" out to let the kernel choose");
    refused("", ", \"source\": \"127.0.0.2:5000\"", "pools[0].backends[0].source: a single source port allows one"
        + " connection per backend at a time: give a range, e.g. 127.0.0.2:1025-65000");
    refused("\"source\": \"127.0.0.2:6000-5000\",", "", "pools[0].source: port range 6000-5000 runs backwards");
  }

  @Test
  void source_ofTheOtherFamily_thanALiteralBackend_isRefused() {
    refused("\"source\": \"[::1]\",", "",
        "pools[0].source: source [0:0:0:0:0:0:0:1] cannot reach backend 127.0.0.1:80: they are of different address families");
  }

  @Test
  void transparent_excludesSource_andWarmConnections() {
    refused("\"transparent\": true, \"source\": \"127.0.0.2\",", "", "pools[0].transparent: cannot be used with"
        + " \"source\": a transparent pool connects from each client's own address");
    refused("\"transparent\": true, \"preconnect\": { \"connections\": 1 },", "", "pools[0].preconnect: cannot be used"
        + " with \"transparent\": a warm connection is made before its client is known, so it cannot come from the"
        + " client's address");
  }

  @Test
  void sourceAddress_printsAsItIsWritten() throws Exception {
    assertThat(new SourceAddress(InetAddress.getByName("127.0.0.2"), 1025, 2000)).hasToString("127.0.0.2:1025-2000");
    assertThat(SourceAddress.of(InetAddress.getByName("127.0.0.2"))).hasToString("127.0.0.2");
    assertThat(Optional.of(SourceAddress.of(InetAddress.getByName("::1"))).get().toString()).startsWith("[");
  }
}
