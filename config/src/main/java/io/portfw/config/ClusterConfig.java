package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Several portfw instances acting as one (top-level key {@code cluster}): a Vert.x cluster on
 * Hazelcast. Changing any of it applies at the next start.
 *
 * @param name the cluster's name: members of the same name and secret form one group
 * @param members other members' cluster addresses, {@code host[:port]} (port 5701 when left out); empty with {@code kubernetes}
 * @param listen where this member's cluster port binds (an IP address; the event bus takes the next port)
 * @param secret what a member must know to join; never printed
 * @param kubernetes find the members through the Kubernetes API instead of {@code members}
 * @param shareEjections a backend passively ejected by one member is ejected by all for its ejection time
 */
public record ClusterConfig(String name, List<BackendAddress> members, BackendAddress listen, String secret,
    Optional<KubernetesJoin> kubernetes, boolean shareEjections) {

  /** The cluster port when {@code listen} or a member leaves it out (Hazelcast's own default). */
  public static final int DEFAULT_PORT = 5701;
  /** The fewest characters a secret may have. */
  public static final int MIN_SECRET = 16;

  /**
   * Members found in Kubernetes: the pods behind a Service, asked of the Kubernetes API
   * ({@code service}, with {@code namespace}), or the addresses a headless Service's DNS name
   * gives ({@code dns}: no API permission needed). Exactly one of {@code service} and {@code dns}.
   */
  public record KubernetesJoin(Optional<String> service, Optional<String> namespace, Optional<String> dns) {
    public KubernetesJoin {
      requireNonNull(service, "service");
      requireNonNull(namespace, "namespace");
      requireNonNull(dns, "dns");
      if (service.isPresent() == dns.isPresent()) {
        throw new IllegalArgumentException("give either a service or a dns name");
      }
    }

    /** Through the Kubernetes API. */
    public KubernetesJoin(String service, Optional<String> namespace) {
      this(Optional.of(service), namespace, Optional.empty());
    }
  }

  public ClusterConfig {
    requireNonNull(name, "name");
    members = List.copyOf(members);
    requireNonNull(listen, "listen");
    requireNonNull(secret, "secret");
    requireNonNull(kubernetes, "kubernetes");
  }

  /** The same settings, the secret left out: records are logged and hashed by their text. */
  @Override
  public String toString() {
    return "ClusterConfig[name=" + name + ", members=" + members + ", listen=" + listen + ", kubernetes="
        + kubernetes + ", shareEjections=" + shareEjections + "]";
  }
}
