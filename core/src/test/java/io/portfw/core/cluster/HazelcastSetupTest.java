package io.portfw.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import io.portfw.config.BackendAddress;
import io.portfw.config.ClusterConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HazelcastSetupTest {

  private static final String SECRET = "0123456789abcdef";

  private static ClusterConfig staticMembers(String secret) {
    return new ClusterConfig("edge", List.of(new BackendAddress("10.0.0.1", 5701), new BackendAddress("::1", 5801)),
        new BackendAddress("10.0.0.1", 5701), secret, Optional.empty(), false);
  }

  @Test
  void config_staticMembers_joinByTcpIpOnly_boundToListen() {
    Config c = HazelcastSetup.config(staticMembers(SECRET), new ClusterSecret(SECRET));
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.1:5701", "[::1]:5801");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(c.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(c.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(c.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.1");
    assertThat(c.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(c.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(c.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    assertThat(c.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    assertThat(c.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("5");
    assertThat(c.getJetConfig().isEnabled()).isFalse();
    assertThat(c.getMapConfig(SharedRuntimeChanges.MAP).getMergePolicyConfig().getPolicy())
        .isEqualTo(LatestUpdateMergePolicy.class.getName());
    // Vert.x's own maps (its event bus subscriptions) are still configured: the defaults were the base.
    assertThat(c.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void config_kubernetes_usesTheServiceAndNamespace_notTcpIp() {
    ClusterConfig k = new ClusterConfig("edge", List.of(), new BackendAddress("10.1.2.3", 5701), SECRET,
        Optional.of(new ClusterConfig.KubernetesJoin("portfw", Optional.of("prod"))), false);
    JoinConfig join = HazelcastSetup.config(k, new ClusterSecret(SECRET)).getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isEqualTo("portfw");
    assertThat(join.getKubernetesConfig().getProperty("namespace")).isEqualTo("prod");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
  }

  @Test
  void config_kubernetesDns_asksTheHeadlessServicesName() {
    ClusterConfig k = new ClusterConfig("edge", List.of(), new BackendAddress("10.1.2.3", 5701), SECRET,
        Optional.of(new ClusterConfig.KubernetesJoin(Optional.empty(), Optional.empty(),
            Optional.of("portfw-peers.prod.svc.cluster.local"))), false);
    JoinConfig join = HazelcastSetup.config(k, new ClusterSecret(SECRET)).getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("portfw-peers.prod.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-name")).isNull();
  }

  @Test
  void clusterName_dependsOnTheSecret_andHidesIt() {
    String right = HazelcastSetup.clusterName(staticMembers(SECRET), new ClusterSecret(SECRET));
    String again = HazelcastSetup.clusterName(staticMembers(SECRET), new ClusterSecret(SECRET));
    String wrong = HazelcastSetup.clusterName(staticMembers("fedcba9876543210"), new ClusterSecret("fedcba9876543210"));
    assertThat(right).isEqualTo(again).startsWith("edge-").hasSize("edge-".length() + 32).doesNotContain(SECRET);
    assertThat(wrong).isNotEqualTo(right).startsWith("edge-");
  }

  @Test
  void signedMessage_opensOnlyWithTheSameSecret_andUntouched() {
    ClusterSecret secret = new ClusterSecret(SECRET);
    JsonObject body = new JsonObject().put("kind", "admin").put("state", "draining");
    JsonObject sealed = SignedMessage.seal(secret, body);
    assertThat(SignedMessage.open(secret, sealed)).contains(body);
    assertThat(SignedMessage.open(new ClusterSecret("fedcba9876543210"), sealed)).isEmpty();
    JsonObject tampered = sealed.copy().put("body", sealed.getString("body").replace("draining", "disabled"));
    assertThat(SignedMessage.open(secret, tampered)).isEmpty();
    assertThat(SignedMessage.open(secret, "not json")).isEmpty();
    assertThat(SignedMessage.open(secret, new JsonObject().put("body", body.encode()))).isEmpty();
  }
}
