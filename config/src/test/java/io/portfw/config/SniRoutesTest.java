package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which route wins: an exact name over the longest wildcard over none, and ALPN narrows a match. */
class SniRoutesTest {

  private final SniConfig sni = new SniConfig(List.of(
      new SniConfig.Route(null, "h2", "any-h2"),
      new SniConfig.Route("*.example.com", null, "wild"),
      new SniConfig.Route("*.api.example.com", null, "api-wild"),
      new SniConfig.Route("*.api.example.com", "h2", "api-h2"),
      new SniConfig.Route("www.example.com", null, "www")), Duration.ofSeconds(5), false);

  @Test
  void theMostSpecificMatchWins() {
    assertThat(sni.poolFor("www.example.com", List.of("h2"))).contains("www");
    assertThat(sni.poolFor("v1.api.example.com", List.of())).contains("api-wild");
    assertThat(sni.poolFor("v1.api.example.com", List.of("http/1.1", "h2"))).contains("api-h2");
    assertThat(sni.poolFor("mail.example.com", List.of("h2"))).contains("wild");
    assertThat(sni.poolFor("other.test", List.of("h2"))).contains("any-h2");
    assertThat(sni.poolFor(null, List.of("h2"))).contains("any-h2");
    assertThat(sni.poolFor("other.test", List.of("http/1.1"))).isEmpty();
  }

  @Test
  void aClientCertificateRoute_winsOverTheSameNameWithout() {
    SniConfig byCert = new SniConfig(List.of(
        new SniConfig.Route("www.example.com", null, null, "www"),
        new SniConfig.Route("www.example.com", null, "alice", "alice-www"),
        new SniConfig.Route(null, null, "alice", "alice")), Duration.ofSeconds(5), false);
    assertThat(byCert.poolFor("www.example.com", List.of(), "alice")).contains("alice-www");
    assertThat(byCert.poolFor("www.example.com", List.of(), "bob")).contains("www");
    assertThat(byCert.poolFor("other.test", List.of(), "alice")).contains("alice");
    assertThat(byCert.poolFor("other.test", List.of(), null)).isEmpty();
  }

  @Test
  void aRouteNeedsANameOrAProtocol() throws Exception {
    try {
      ConfigLoader.parse("""
          { "listeners": [ { "name": "l", "listen": "0.0.0.0:443", "pool": "p", "routes": [ { "pool": "p" } ] } ],
            "pools": [ { "name": "p", "backends": [ { "address": "10.0.0.1:443" } ] } ] }
          """, "test");
      throw new AssertionError("refused");
    } catch (ConfigException e) {
      assertThat(e.errors()).extracting(ConfigError::toString).containsExactly("listeners[0].routes[0].serverName: "
          + "is required, or \"alpn\" (a route matches a server name, an ALPN protocol such as h2, or both)");
    }
  }
}
