package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSectionTest {

  private static final String BASE = "{ \"listeners\": [], \"pools\": [] %s }";
  private static final String SECRET = "0123456789abcdef";

  private static PortfwConfig parse(String cluster) throws ConfigException {
    return ConfigLoader.parse(BASE.formatted(cluster), "cluster.json");
  }

  private static List<String> errors(String cluster) {
    try {
      parse(cluster);
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
    throw new AssertionError("accepted: " + cluster);
  }

  @Test
  void cluster_leftOut_isEmpty() throws Exception {
    assertThat(parse("").cluster()).isEmpty();
  }

  @Test
  void cluster_staticMembers_portsDefaultTo5701_listenToLoopback() throws Exception {
    ClusterConfig c = parse(", \"cluster\": { \"name\": \"edge\", \"members\": [\"127.0.0.2\", \"127.0.0.3:5801\"],"
        + " \"secret\": \"" + SECRET + "\" }").cluster().orElseThrow();
    assertThat(c.name()).isEqualTo("edge");
    assertThat(c.members()).containsExactly(new BackendAddress("127.0.0.2", 5701), new BackendAddress("127.0.0.3", 5801));
    assertThat(c.listen()).isEqualTo(new BackendAddress("127.0.0.1", 5701));
    assertThat(c.kubernetes()).isEmpty();
    assertThat(c.shareEjections()).isFalse();
    assertThat(c.toString()).doesNotContain(SECRET);
  }

  @Test
  void cluster_kubernetes_takesServiceAndNamespace() throws Exception {
    ClusterConfig c = parse(", \"cluster\": { \"name\": \"edge\", \"listen\": \"10.1.2.3\", \"secret\": \"" + SECRET
        + "\", \"kubernetes\": { \"service\": \"portfw\", \"namespace\": \"edge\" }, \"shareEjections\": true }")
        .cluster().orElseThrow();
    assertThat(c.kubernetes()).contains(new ClusterConfig.KubernetesJoin("portfw", Optional.of("edge")));
    assertThat(c.members()).isEmpty();
    assertThat(c.shareEjections()).isTrue();
  }

  @Test
  void cluster_kubernetesDns_takesAHeadlessServicesName_alone() throws Exception {
    ClusterConfig c = parse(", \"cluster\": { \"name\": \"edge\", \"listen\": \"10.1.2.3\", \"secret\": \"" + SECRET
        + "\", \"kubernetes\": { \"dns\": \"portfw-peers.prod.svc.cluster.local\" } }").cluster().orElseThrow();
    assertThat(c.kubernetes()).contains(new ClusterConfig.KubernetesJoin(Optional.empty(), Optional.empty(),
        Optional.of("portfw-peers.prod.svc.cluster.local")));
    String both = ", \"cluster\": { \"name\": \"edge\", \"listen\": \"10.1.2.3\", \"secret\": \"" + SECRET
        + "\", \"kubernetes\": { \"service\": \"portfw\", \"dns\": \"portfw-peers.prod.svc.cluster.local\" } }";
    assertThat(errors(both)).containsExactly("cluster.kubernetes.dns: give either service (the Kubernetes API) or dns"
        + " (a headless Service's name), not both");
    String namespaced = ", \"cluster\": { \"name\": \"edge\", \"listen\": \"10.1.2.3\", \"secret\": \"" + SECRET
        + "\", \"kubernetes\": { \"namespace\": \"prod\", \"dns\": \"portfw-peers.prod.svc.cluster.local\" } }";
    assertThat(errors(namespaced)).containsExactly("cluster.kubernetes.namespace: belongs to service: a dns name says"
        + " its namespace itself");
  }

  @Test
  void cluster_secretMissingOrShort_isRefusedWithWhy() {
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"members\": [] }"))
        .containsExactly("cluster.secret: is missing: members prove they belong with a shared secret"
            + " (e.g. \"${CLUSTER_SECRET}\", at least 16 characters)");
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"members\": [], \"secret\": \"short\" }"))
        .containsExactly("cluster.secret: is too short: use at least 16 characters");
  }

  @Test
  void cluster_badAddresses_areRefusedWithTheirPath() {
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"members\": [\"127.0.0.2:99999\", 5],"
        + " \"listen\": \"0.0.0.0:5701\", \"secret\": \"" + SECRET + "\" }"))
        .hasSize(3)
        .anySatisfy(e -> assertThat(e).startsWith("cluster.members[0]: "))
        .contains("cluster.members[1]: must be a string such as \"10.0.0.2:5701\", not a number")
        .contains("cluster.listen: \"0.0.0.0:5701\" binds every address: give the one address the members reach");
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"members\": [\"10.0.0.2\"], \"secret\": \"" + SECRET + "\" }"))
        .containsExactly("cluster.listen: 127.0.0.1:5701 is a loopback address, so member 10.0.0.2:5701 could never"
            + " reach this one: listen on an address the members can reach");
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"listen\": \"portfw.local\", \"members\": [],"
        + " \"secret\": \"" + SECRET + "\" }"))
        .containsExactly("cluster.listen: \"portfw.local\" is not an IP address: the cluster port binds to one address");
  }

  @Test
  void cluster_membersAndKubernetes_orNeither_isRefused() {
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"listen\": \"10.0.0.1\", \"members\": [\"10.0.0.2\"],"
        + " \"kubernetes\": { \"service\": \"portfw\" }, \"secret\": \"" + SECRET + "\" }"))
        .containsExactly("cluster.members: give either members or kubernetes, not both");
    assertThat(errors(", \"cluster\": { \"name\": \"edge\", \"secret\": \"" + SECRET + "\" }"))
        .containsExactly("cluster.members: is missing: list the other members' addresses (host:port),"
            + " or find them with \"kubernetes\": {\"service\": ...}");
  }

  @Test
  void diff_clusterChanged_appliesAtTheNextStart() throws Exception {
    String one = ", \"cluster\": { \"name\": \"edge\", \"members\": [], \"secret\": \"" + SECRET + "\" }";
    String two = ", \"cluster\": { \"name\": \"edge2\", \"members\": [], \"secret\": \"" + SECRET + "\" }";
    ConfigDiff diff = ConfigDiff.between(parse(one), parse(two));
    assertThat(diff.adminChanged()).isTrue();
    assertThat(diff.summary()).isEqualTo("admin, accessLog, dns, stateDir or cluster changed (applies at the next start)");
    assertThat(ConfigDiff.between(parse(one), parse(one)).isEmpty()).isTrue();
  }
}
