package io.portfw.core.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import io.portfw.config.BackendAddress;
import io.portfw.config.ClusterConfig;
import io.portfw.config.Hosts;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Map;

/**
 * The Hazelcast member config for a {@code cluster} section, built in code on top of Vert.x's own
 * defaults (the maps its event bus needs): one address and port, joined by TCP/IP with the listed
 * members or by Hazelcast's Kubernetes discovery, never by multicast, and tuned so that a lost member
 * is noticed within seconds on a LAN.
 */
public final class HazelcastSetup {

  /**
   * Hazelcast properties portfw sets, with why. A member is declared gone after 5 s without a
   * heartbeat (heartbeats every second; Hazelcast's defaults are 5 s and 60 s), and a split group
   * looks for its other half every 5 s after the first 5 s (defaults 300 s and 120 s), so a healed
   * partition merges within about 10 s.
   */
  static final Map<String, String> PROPERTIES = Map.ofEntries(
      Map.entry("hazelcast.logging.type", "slf4j"),
      Map.entry("hazelcast.phone.home.enabled", "false"),
      // portfw leaves the cluster itself when it stops (after draining): no hook of Hazelcast's racing it.
      Map.entry("hazelcast.shutdownhook.enabled", "false"),
      Map.entry("hazelcast.socket.bind.any", "false"),
      Map.entry("hazelcast.heartbeat.interval.seconds", "1"),
      Map.entry("hazelcast.max.no.heartbeat.seconds", "5"),
      Map.entry("hazelcast.merge.first.run.delay.seconds", "5"),
      Map.entry("hazelcast.merge.next.run.delay.seconds", "5"),
      // The first member waits this long for others before it forms a group alone (defaults 5 s and 20 s).
      Map.entry("hazelcast.wait.seconds.before.join", "1"),
      Map.entry("hazelcast.max.wait.seconds.before.join", "3"),
      // portfw keeps little in the cluster: fewer partitions (default 271) make joins and repartitions
      // quick, and one input and one output thread (default 3 each) are plenty. Every member must agree.
      Map.entry("hazelcast.partition.count", "31"),
      Map.entry("hazelcast.io.thread.count", "1"));

  private HazelcastSetup() {}

  /** The Hazelcast cluster name: the configured name and a tag of it made with the secret. */
  public static String clusterName(ClusterConfig cluster, ClusterSecret secret) {
    return cluster.name() + "-" + secret.tag("portfw cluster " + cluster.name()).substring(0, 32);
  }

  public static Config config(ClusterConfig cluster, ClusterSecret secret) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(clusterName(cluster, secret));
    PROPERTIES.forEach(config::setProperty);
    BackendAddress listen = cluster.listen();
    // Binds exactly here, also on a loopback address other than 127.0.0.1 that no interface lists.
    config.setProperty("hazelcast.local.localAddress", listen.host());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(listen.port()).setPortAutoIncrement(false).setPortCount(1);
    network.getRestApiConfig().setEnabled(false);
    network.getMemcacheProtocolConfig().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(cluster.kubernetes().isEmpty());
    tcp.getMembers().clear();
    cluster.members().forEach(m -> tcp.addMember(Hosts.hostPort(m.host(), m.port())));
    KubernetesConfig kubernetes = join.getKubernetesConfig().setEnabled(cluster.kubernetes().isPresent());
    cluster.kubernetes().ifPresent(k -> {
      // Hazelcast's two Kubernetes lookups: the API (the Service's endpoints), or DNS (a headless Service's records).
      k.service().ifPresent(service -> kubernetes.setProperty("service-name", service));
      k.dns().ifPresent(dns -> kubernetes.setProperty("service-dns", dns));
      kubernetes.setProperty("service-port", String.valueOf(listen.port()));
      k.namespace().ifPresent(ns -> kubernetes.setProperty("namespace", ns));
    });
    config.getJetConfig().setEnabled(false);
    // After a split heals, the latest change of each backend wins, whichever side made it.
    config.addMapConfig(new MapConfig(SharedRuntimeChanges.MAP).setBackupCount(1).setPerEntryStatsEnabled(true)
        .setMergePolicyConfig(new MergePolicyConfig(LatestUpdateMergePolicy.class.getName(), 100)));
    return config;
  }
}
