package io.portfw.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one entry of {@code pools}: its name, strategy and options, and its backends; the
 * {@code health} and {@code outlier} blocks are read by {@link HealthSection}.
 */
final class PoolSection {

  private static final Words<ProxyProtocol> PROXY_VERSIONS = Words.of("a PROXY protocol version", ProxyProtocol.class);

  private final Problems problems;
  private final AddressParser addresses;
  private final CrossChecks cross;
  private final HealthSection healthSection;
  private final TlsSection tlsSection;
  private final Words<String> balanceNames;

  /** {@code balanceNames}: the strategies a pool may use, in the order the error lists them. */
  PoolSection(Problems problems, AddressParser addresses, CrossChecks cross, List<String> balanceNames, Path base) {
    this.problems = problems;
    this.tlsSection = new TlsSection(problems, base);
    this.addresses = addresses;
    this.cross = cross;
    this.healthSection = new HealthSection(problems);
    this.balanceNames = Words.names("a balancing strategy", Words.Listing.ONE_OF, balanceNames);
  }

  Optional<PoolConfig> read(JsonObjectReader r) {
    Optional<String> name = r.name("name");
    name.ifPresent(n -> cross.poolName(n, r.pathOf("name")));
    String balance = r.string("balance", false).orElse(PoolConfig.DEFAULT_BALANCE);
    boolean balanceKnown = balance(balance, r.pathOf("balance"));
    int retries = r.integer("retries", 0, PoolConfig.MAX_RETRIES, PoolConfig.DEFAULT_RETRIES);
    Optional<StickyConfig> sticky = r.has("sticky") ? Optional.of(sticky(r.object("sticky"))) : Optional.empty();
    Duration slowStart = r.has("slowStart") ? r.duration("slowStart", Duration.ZERO, true) : Duration.ZERO;
    Optional<HealthConfig> health = r.has("health") ? healthSection.health(r.object("health")) : Optional.empty();
    Optional<OutlierConfig> outlier = r.has("outlier") ? healthSection.outlier(r.object("outlier")) : Optional.empty();
    Optional<ProxyProtocol> proxyProtocol = r.string("proxyProtocol", false)
        .flatMap(v -> PROXY_VERSIONS.read(v, r.pathOf("proxyProtocol"), problems));
    Optional<PreconnectConfig> preconnect = r.has("preconnect") ? preconnect(r.object("preconnect")) : Optional.empty();
    Optional<BackendTlsConfig> tls = tlsSection.readBackend(r);
    Optional<QueueConfig> queue = r.has("queue") ? queue(r.object("queue")) : Optional.empty();
    boolean transparent = r.bool("transparent", false);
    Optional<SourceAddress> source = r.string("source", false).flatMap(text -> addresses.source(text, r.pathOf("source")));
    if (tls.isPresent()) { // checks over TLS use the pool's TLS settings
      health = health.map(h -> h.tls().isPresent() ? h.withTls(tls.get()) : h);
    }
    List<JsonObjectReader.Element> elements = r.array("backends", true);
    if (elements.isEmpty() && r.isArray("backends")) {
      problems.add(r.pathOf("backends"), "a pool needs at least one backend");
    }
    List<BackendConfig> backends = new ArrayList<>();
    CrossChecks.Scope seen = cross.newScope();
    for (JsonObjectReader.Element e : elements) {
      backend(new JsonObjectReader(e.node(), e.path(), problems), seen).ifPresent(backends::add);
    }
    health.filter(h -> h.port() == 0).flatMap(h -> backends.stream().filter(b -> b.address().keepsClientPort()).findFirst())
        .ifPresent(b -> problems.add(r.pathOf("health") + ".port", "is required: backend " + b.address()
            + " has no port of its own (it takes the client's), so the checks need one"));
    preconnect.flatMap(p -> backends.stream().filter(b -> b.address().keepsClientPort()).findFirst())
        .ifPresent(b -> problems.add(r.pathOf("preconnect"), "backend " + b.address()
            + " has no port of its own (it takes the client's), so no connection can be made before a client comes"));
    outgoing(r, transparent, source, preconnect, backends);
    if (preconnect.isPresent() && tls.isPresent()) {
      problems.add(r.pathOf("preconnect"), "cannot be used with \"tls\" yet: warm connections are made without TLS");
    }
    r.rejectUnknownKeys();
    if (name.isEmpty() || !balanceKnown || backends.size() != elements.size()) {
      return Optional.empty();
    }
    return Optional.of(new PoolConfig(name.get(), balance, backends, retries, sticky, slowStart, health, outlier,
        proxyProtocol, preconnect, tls, queue, transparent, source));
  }

  /**
   * Where backend connections come from, checked against the rest of the pool: the client's own
   * address and a chosen one exclude each other, a warm connection has no client yet to look like,
   * and a source address must be of the family of every backend written as an address.
   */
  private void outgoing(JsonObjectReader r, boolean transparent, Optional<SourceAddress> source,
      Optional<PreconnectConfig> preconnect, List<BackendConfig> backends) {
    if (transparent && (source.isPresent() || backends.stream().anyMatch(b -> b.source().isPresent()))) {
      problems.add(r.pathOf("transparent"), "cannot be used with \"source\": a transparent pool connects from"
          + " each client's own address");
    }
    if (transparent && preconnect.isPresent()) {
      problems.add(r.pathOf("preconnect"), "cannot be used with \"transparent\": a warm connection is made before"
          + " its client is known, so it cannot come from the client's address");
    }
    if (preconnect.isPresent() && (source.isPresent() || backends.stream().anyMatch(b -> b.source().isPresent()))) {
      problems.add(r.pathOf("preconnect"), "cannot be used with \"source\" yet: warm connections are made from"
          + " the address the kernel chooses");
    }
    source.ifPresent(from -> backends.stream().filter(b -> b.source().isEmpty()).forEach(b ->
        sameFamily(from, b.address(), r.pathOf("source"))));
  }

  private void sameFamily(SourceAddress from, BackendAddress to, String path) {
    if (to.literal().isPresent() && to.literal().get().getClass() != from.ip().getClass()) {
      problems.add(path, "source " + from + " cannot reach backend " + to + ": they are of different address families");
    }
  }

  private boolean balance(String word, String path) {
    if (balanceNames.words().isEmpty()) {
      // a broken install rather than a broken file: say so instead of accepting any word
      problems.add(path, "\"" + word + "\" cannot be checked: no balancing strategies are installed (no "
          + BalanceNames.class.getName() + " provider is on the class path)");
      return false;
    }
    return balanceNames.read(word, path, problems).isPresent();
  }

  private StickyConfig sticky(JsonObjectReader r) {
    StickyConfig sticky = new StickyConfig(r.duration("ttl", StickyConfig.DEFAULT_TTL),
        r.integer("maxEntries", 1, StickyConfig.MAX_ENTRIES_LIMIT, StickyConfig.DEFAULT_MAX_ENTRIES));
    r.rejectUnknownKeys();
    return sticky;
  }

  private Optional<PreconnectConfig> preconnect(JsonObjectReader r) {
    if (!r.has("connections")) {
      problems.add(r.pathOf("connections"), "is required: how many idle connections to keep open to each backend");
    }
    int connections = r.integer("connections", 1, PreconnectConfig.MAX_CONNECTIONS, 1);
    Duration maxIdle = r.duration("maxIdle", PreconnectConfig.DEFAULT_MAX_IDLE);
    r.rejectUnknownKeys();
    return Optional.of(new PreconnectConfig(connections, maxIdle));
  }

  private Optional<QueueConfig> queue(JsonObjectReader r) {
    int max = r.integer("max", 1, QueueConfig.MAX_LIMIT, 100);
    Duration timeout = r.duration("timeout", QueueConfig.DEFAULT_TIMEOUT);
    r.rejectUnknownKeys();
    return Optional.of(new QueueConfig(max, timeout));
  }

  /** One backend object as a pool lists it, read on its own (a backend added at runtime). */
  Optional<BackendConfig> backend(JsonObjectReader r) {
    return backend(r, cross.newScope());
  }

  private Optional<BackendConfig> backend(JsonObjectReader r, CrossChecks.Scope seen) {
    Optional<BackendAddress> address = r.string("address", true)
        .flatMap(text -> addresses.backend(text, r.pathOf("address")));
    address.ifPresent(a -> seen.unique("address " + a, r.pathOf("address")));
    int weight = r.integer("weight", 0, BackendConfig.MAX_WEIGHT, BackendConfig.DEFAULT_WEIGHT);
    boolean backup = r.bool("backup", false);
    int maxConnections = r.integer("maxConnections", 0, BackendConfig.MAX_CONNECTIONS_LIMIT, BackendConfig.UNLIMITED);
    boolean sourceGiven = r.has("source");
    Optional<SourceAddress> source = r.string("source", false).flatMap(text -> addresses.source(text, r.pathOf("source")));
    r.rejectUnknownKeys();
    if (sourceGiven && source.isEmpty()) {
      return Optional.empty();
    }
    if (source.isPresent() && address.isPresent()) {
      sameFamily(source.get(), address.get(), r.pathOf("source"));
    }
    return address.map(a -> new BackendConfig(a, weight, backup, maxConnections, source));
  }
}
