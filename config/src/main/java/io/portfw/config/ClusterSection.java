package io.portfw.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the top-level {@code cluster} section and says where and why it is wrong. */
final class ClusterSection {

  private final Problems problems;
  private final AddressParser addresses;

  ClusterSection(Problems problems, AddressParser addresses) {
    this.problems = problems;
    this.addresses = addresses;
  }

  Optional<ClusterConfig> read(JsonObjectReader r) {
    int before = problems.size();
    Optional<String> name = r.name("name");
    BackendAddress listen = r.string("listen", false)
        .flatMap(text -> address(text, r.pathOf("listen"), true))
        .orElse(new BackendAddress("127.0.0.1", ClusterConfig.DEFAULT_PORT));
    Optional<String> secret = r.string("secret", false);
    if (secret.isEmpty()) {
      problems.add(r.pathOf("secret"), "is missing: members prove they belong with a shared secret"
          + " (e.g. \"${CLUSTER_SECRET}\", at least " + ClusterConfig.MIN_SECRET + " characters)");
    } else if (secret.get().length() < ClusterConfig.MIN_SECRET) {
      problems.add(r.pathOf("secret"), "is too short: use at least " + ClusterConfig.MIN_SECRET + " characters");
    }
    List<BackendAddress> members = new ArrayList<>();
    for (JsonObjectReader.Element e : r.array("members", false)) {
      if (!e.node().isTextual()) {
        problems.add(e.path(), "must be a string such as \"10.0.0.2:5701\", not " + JsonObjectReader.kind(e.node()));
        continue;
      }
      address(e.node().asText(), e.path(), false).ifPresent(members::add);
    }
    Optional<ClusterConfig.KubernetesJoin> kubernetes = Optional.empty();
    if (r.has("kubernetes")) {
      JsonObjectReader k = r.object("kubernetes");
      Optional<String> service = k.has("service") || !k.has("dns") ? k.name("service") : Optional.empty();
      Optional<String> namespace = k.has("namespace") ? k.name("namespace") : Optional.empty();
      Optional<String> dns = k.has("dns") ? k.string("dns", true) : Optional.empty();
      if (k.has("service") && k.has("dns")) {
        problems.add(k.pathOf("dns"), "give either service (the Kubernetes API) or dns (a headless Service's name),"
            + " not both");
      } else if (dns.isPresent() && k.has("namespace")) {
        problems.add(k.pathOf("namespace"), "belongs to service: a dns name says its namespace itself");
      } else if (service.isPresent() || dns.isPresent()) {
        kubernetes = Optional.of(new ClusterConfig.KubernetesJoin(service, namespace, dns));
      }
      k.rejectUnknownKeys();
    }
    boolean shareEjections = r.bool("shareEjections", false);
    r.rejectUnknownKeys();
    if (r.has("kubernetes") && !members.isEmpty()) {
      problems.add(r.pathOf("members"), "give either members or kubernetes, not both");
    }
    if (!r.has("kubernetes") && !r.has("members")) {
      problems.add(r.pathOf("members"), "is missing: list the other members' addresses (host:port),"
          + " or find them with \"kubernetes\": {\"service\": ...}");
    }
    if (Hosts.isLoopback(listen.host())) {
      members.stream().filter(m -> !Hosts.isLoopback(m.host())).findFirst().ifPresent(m -> problems.add(
          r.pathOf("listen"), listen + " is a loopback address, so member " + m + " could never reach this one:"
              + " listen on an address the members can reach"));
      if (r.has("kubernetes")) {
        problems.add(r.pathOf("listen"), listen + " is a loopback address: with kubernetes, listen on the pod's"
            + " address (e.g. \"${POD_IP}\")");
      }
    }
    if (problems.size() > before || name.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ClusterConfig(name.get(), members, listen, secret.get(), kubernetes, shareEjections));
  }

  /** A cluster address: {@code host[:port]}, port 5701 when left out; {@code bind}: this member's own, an IP address. */
  private Optional<BackendAddress> address(String text, String path, boolean bind) {
    if (bind && (text.startsWith("0.0.0.0") || text.startsWith("[::]") || text.equals("::"))) {
      problems.add(path, "\"" + text + "\" binds every address: give the one address the members reach");
      return Optional.empty();
    }
    Optional<BackendAddress> parsed = addresses.backend(text, path);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    BackendAddress a = parsed.get();
    if (bind && !a.isLiteral()) {
      problems.add(path, "\"" + a.host() + "\" is not an IP address: the cluster port binds to one address");
      return Optional.empty();
    }
    int port = a.keepsClientPort() ? ClusterConfig.DEFAULT_PORT : a.port();
    if (port > 65534) {
      problems.add(path, "port " + port + " leaves no room for the event bus, which takes the next port");
      return Optional.empty();
    }
    return Optional.of(new BackendAddress(a.host(), port));
  }
}
