package io.portfw.core.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portfw.config.ConfigLoader;
import io.portfw.core.importing.ImportReport.Outcome;
import io.portfw.testing.Nft;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NftImporterTest {

  /**
   * {@code nft -j list ruleset} of this ruleset (checked with {@code nft -c -f}), pretty-printed:
   * <pre>
   * table ip nat {
   *   chain prerouting {
   *     type nat hook prerouting priority dstnat; policy accept;
   *     ip daddr 192.0.2.1 tcp dport { 80, 8000-8005 } ip saddr 10.0.0.0/8 dnat to numgen inc mod 3 map { 0 : 10.0.0.1, 1 : 10.0.0.1, 2 : 10.0.0.2 }
   *     udp dport 53 dnat to jhash ip saddr mod 2 map { 0 : 10.0.0.3, 1 : 10.0.0.4 }
   *     dnat ip addr . port to tcp dport map { 81 : 10.0.0.1 . 8080, 82 : 10.0.0.2 . 8081 }
   *     tcp dport 8443 redirect to :443
   *     ip daddr 192.0.2.2 jump web
   *   }
   *   chain web { tcp dport 443 counter dnat to numgen random mod 4 map { 0-2 : 10.0.0.5, 3 : 10.0.0.6 } : 8443 }
   *   chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "eth0" masquerade }
   * }
   * table inet filter { chain input { type filter hook input priority filter; policy accept; tcp dport 22 accept } }
   * </pre>
   */
  static final String RULESET = """
      {"nftables": [
      {"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
      {"table": {"family": "ip", "name": "nat", "handle": 1}},
      {"chain": {"family": "ip", "table": "nat", "name": "prerouting", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}},
      {"chain": {"family": "ip", "table": "nat", "name": "web", "handle": 2}},
      {"chain": {"family": "ip", "table": "nat", "name": "postrouting", "handle": 3, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}},
      {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 4, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "192.0.2.1"}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [80, {"range": [8000, 8005]}]}}},
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}},
        {"dnat": {"addr": {"map": {"key": {"numgen": {"mode": "inc", "mod": 3, "offset": 0}}, "data": {"set": [[0, "10.0.0.1"], [1, "10.0.0.1"], [2, "10.0.0.2"]]}}}}}]}},
      {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 5, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}},
        {"dnat": {"addr": {"map": {"key": {"jhash": {"mod": 2, "seed": 0, "expr": {"payload": {"protocol": "ip", "field": "saddr"}}}}, "data": {"set": [[0, "10.0.0.3"], [1, "10.0.0.4"]]}}}}}]}},
      {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 6, "expr": [
        {"dnat": {"family": "ip", "addr": {"map": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": {"set": [[81, {"concat": ["10.0.0.1", 8080]}], [82, {"concat": ["10.0.0.2", 8081]}]]}}}, "type_flags": ["concat"]}}]}},
      {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 7, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8443}},
        {"redirect": {"port": 443}}]}},
      {"rule": {"family": "ip", "table": "nat", "chain": "prerouting", "handle": 8, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "192.0.2.2"}},
        {"jump": {"target": "web"}}]}},
      {"rule": {"family": "ip", "table": "nat", "chain": "web", "handle": 9, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 443}},
        {"counter": {"packets": 0, "bytes": 0}},
        {"dnat": {"addr": {"map": {"key": {"numgen": {"mode": "random", "mod": 4, "offset": 0}}, "data": {"set": [[{"range": [0, 2]}, "10.0.0.5"], [3, "10.0.0.6"]]}}}, "port": 8443}}]}},
      {"rule": {"family": "ip", "table": "nat", "chain": "postrouting", "handle": 10, "expr": [
        {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}},
        {"masquerade": null}]}},
      {"table": {"family": "inet", "name": "filter", "handle": 2}},
      {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
      {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 2, "expr": [
        {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}},
        {"accept": null}]}}
      ]}
      """;

  private final ConfigDraft draft = new ConfigDraft();
  private final ImportReport report = new ImportReport();

  private JsonNode read(String json) throws Exception {
    new NftImporter().read(json.lines().toList(), draft, report);
    ConfigLoader.parse(draft.toJson(), "imported");
    return new ObjectMapper().readTree(draft.toJson());
  }

  private static String backends(JsonNode pool) {
    StringBuilder out = new StringBuilder();
    pool.get("backends").forEach(b -> out.append(b.get("address").asText()).append('/').append(b.path("weight").asInt(1))
        .append(' '));
    return out.toString().strip();
  }

  private static JsonNode pool(JsonNode config, String listen) {
    for (JsonNode l : config.get("listeners")) {
      if (l.get("listen").asText().equals(listen)) {
        for (JsonNode p : config.get("pools")) {
          if (p.get("name").asText().equals(l.get("pool").asText())) {
            return p;
          }
        }
      }
    }
    throw new AssertionError("no listener on " + listen + " in " + config);
  }

  @Test
  void aRealisticRuleset_becomesListenersPoolsAndWeights() throws Exception {
    JsonNode config = read(RULESET);
    JsonNode web = pool(config, "192.0.2.1:80");
    assertThat(backends(web)).as("numgen inc: entries per backend").isEqualTo("10.0.0.1/2 10.0.0.2/1");
    assertThat(web.has("balance")).isFalse();
    assertThat(pool(config, "192.0.2.1:8000-8005").get("name")).isEqualTo(web.get("name"));
    JsonNode listener = config.get("listeners").get(0);
    assertThat(listener.get("acl").get("allow").get(0).asText()).isEqualTo("10.0.0.0/8");

    JsonNode dns = pool(config, "0.0.0.0:53");
    assertThat(dns.get("balance").asText()).isEqualTo("source-hash");
    assertThat(backends(dns)).isEqualTo("10.0.0.3/1 10.0.0.4/1");
    assertThat(backends(pool(config, "0.0.0.0:81"))).isEqualTo("10.0.0.1:8080/1");
    assertThat(backends(pool(config, "0.0.0.0:82"))).isEqualTo("10.0.0.2:8081/1");
    assertThat(backends(pool(config, "0.0.0.0:8443"))).isEqualTo("127.0.0.1:443/1");
    JsonNode https = pool(config, "192.0.2.2:443");
    assertThat(https.get("balance").asText()).isEqualTo("random");
    assertThat(backends(https)).isEqualTo("10.0.0.5:8443/3 10.0.0.6:8443/1");
  }

  @Test
  void theReport_quotesEachRuleInNftWords_atItsLine() throws Exception {
    read(RULESET);
    assertThat(report.entries()).filteredOn(e -> e.line() == 7).first().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(Outcome.CARRIED);
      assertThat(e.source()).startsWith("ip nat prerouting: ip daddr 192.0.2.1 tcp dport { 80, 8000-8005 }");
    });
    assertThat(report.entries()).filteredOn(e -> e.line() == 20).first().satisfies(e ->
        assertThat(e.became()).contains("chain web"));
    assertThat(report.entries()).filteredOn(e -> e.line() == 27).first().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(Outcome.DROPPED);
      assertThat(e.why()).contains("source NAT");
    });
    assertThat(report.entries()).filteredOn(e -> e.line() == 32).first().satisfies(e ->
        assertThat(e.why()).contains("filter chain"));
    assertThat(report.entries()).filteredOn(e -> e.outcome() != Outcome.CARRIED).hasSize(2);
  }

  @Test
  void aNumgenMapWithGaps_passesTheRestOn_andSaysSo() throws Exception {
    read("""
        {"nftables": [
        {"chain": {"family": "ip", "table": "nat", "name": "pre", "type": "nat", "hook": "prerouting", "prio": -100}},
        {"rule": {"family": "ip", "table": "nat", "chain": "pre", "expr": [
          {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}},
          {"dnat": {"addr": {"map": {"key": {"numgen": {"mode": "inc", "mod": 4}}, "data": {"set": [[0, "10.0.0.1"]]}}}}}]}}
        ]}
        """);
    assertThat(report.entries().get(0).outcome()).isEqualTo(Outcome.APPROXIMATED);
    assertThat(report.entries().get(0).why()).contains("75.0% of the connections match none");
  }

  @Test
  void namedSetsAndIpv6() throws Exception {
    JsonNode config = read("""
        {"nftables": [
        {"set": {"family": "ip6", "table": "nat", "name": "admins", "type": "ipv6_addr", "flags": ["interval"],
          "elem": [{"prefix": {"addr": "2001:db8:1::", "len": 48}}, {"elem": {"val": "2001:db8:2::7", "comment": "ops"}}]}},
        {"chain": {"family": "ip6", "table": "nat", "name": "pre", "type": "nat", "hook": "prerouting", "prio": -100}},
        {"rule": {"family": "ip6", "table": "nat", "chain": "pre", "expr": [
          {"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "saddr"}}, "right": "@admins"}},
          {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": {"set": ["tcp", "udp"]}}},
          {"match": {"op": "==", "left": {"payload": {"protocol": "th", "field": "dport"}}, "right": 5000}},
          {"dnat": {"addr": "2001:db8::5"}}]}}
        ]}
        """);
    assertThat(config.get("listeners")).extracting(l -> l.path("protocol").asText("tcp") + " " + l.get("listen").asText())
        .containsExactly("tcp [::]:5000", "udp [::]:5000");
    assertThat(config.get("listeners").get(0).get("acl").get("allow").toString())
        .isEqualTo("[\"2001:db8:1::/48\",\"2001:db8:2::7\"]");
    assertThat(config.get("pools").get(0).get("backends").get(0).get("address").asText()).isEqualTo("[2001:db8::5]");
  }

  @Test
  void theRulesetWrittenForTheseTests_isOneNftItselfAccepts(@TempDir Path dir) throws Exception {
    Nft.requireInstalled();
    assertThat(Nft.checkJson(Files.writeString(dir.resolve("ruleset.json"), RULESET))).isEmpty();
    assertThat(Nft.checkJson(Files.writeString(dir.resolve("broken.json"), RULESET.replace("\"inc\"", "\"inx\""))))
        .as("the check can fail").contains("numgen mode");
  }

  @Test
  void unreadableInput_namesTheLine() {
    assertThatThrownBy(() -> read("{\"nftables\": [\n{\"rule\": {\"expr\": [}\n]}"))
        .isInstanceOf(ImportException.class).hasMessageStartingWith("not JSON")
        .extracting(e -> ((ImportException) e).line()).isEqualTo(2);
    assertThatThrownBy(() -> read("table ip nat {\n}")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> read("[1]")).hasMessageContaining("not the JSON of nft -j list ruleset");
    assertThatThrownBy(() -> read("{\"rules\": []}")).hasMessageContaining("no \"nftables\" array");
    assertThatThrownBy(() -> read("{\"nftables\": [{\"metainfo\": {}}]}")).hasMessageContaining("no chain");
  }
}
