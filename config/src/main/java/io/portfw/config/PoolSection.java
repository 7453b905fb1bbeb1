package io.portfw.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one entry of {@code pools}: its name, strategy and options, and its backends; the
 * {@code health} and {@code outlier} blocks are read by {@link HealthSection}.
 */
final class PoolSection {

  private static final Words<ProxyProtocol> PROXY_VERSIONS = Words.of("a PROXY protocol version", ProxyProtocol.class);

  /** A DNS name as looked up: labels may start with '_' (SRV names); a trailing dot is allowed. */
  private static final Pattern DNS_NAME =
      Pattern.compile("(?=.{1,254}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.?");

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
    Optional<DiscoverConfig> discover = r.has("discover") ? discover(r.object("discover")) : Optional.empty();
    // Without discover a pool lists its backends; with it the list is optional (the records give them).
    if (!r.has("backends") && !r.has("discover")) {
      problems.add(r.pathOf("backends"), "is required: a pool needs at least one backend, or \"discover\" to find them in DNS");
    }
    List<JsonObjectReader.Element> elements = r.array("backends", false);
    if (elements.isEmpty() && r.isArray("backends")) {
      problems.add(r.pathOf("backends"), "a pool needs at least one backend" + (r.has("discover")
          ? " when it lists them (leave \"backends\" out to use only the discovered ones)" : ""));
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
    if (name.isEmpty() || !balanceKnown || backends.size() != elements.size()
        || (r.has("discover") && discover.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new PoolConfig(name.get(), balance, backends, retries, sticky, slowStart, health, outlier,
        proxyProtocol, preconnect, tls, queue, transparent, source, discover));
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

  /** {@code discover}: either {@code name} with {@code port} (A/AAAA records) or {@code srv} (SRV records). */
  private Optional<DiscoverConfig> discover(JsonObjectReader r) {
    Optional<String> host = r.string("name", false);
    Optional<String> srv = r.string("srv", false);
    boolean portGiven = r.has("port");
    int port = r.integer("port", 1, 65535, 0);
    r.rejectUnknownKeys();
    if (host.isPresent() == srv.isPresent()) {
      problems.add(r.path(), host.isPresent()
          ? "give either \"name\" (one backend per A/AAAA record) or \"srv\" (one per SRV record), not both"
          : "needs \"name\" with \"port\" (one backend per A/AAAA record) or \"srv\" (one per SRV record)");
      return Optional.empty();
    }
    if (host.isPresent()) {
      if (!portGiven) {
        problems.add(r.pathOf("port"), "is required with \"name\": the port the discovered backends listen on");
        return Optional.empty();
      }
      return dnsName(host.get(), r.pathOf("name")) && port > 0 ? Optional.of(DiscoverConfig.addresses(host.get(), port))
          : Optional.empty();
    }
    if (portGiven) {
      problems.add(r.pathOf("port"), "is not used with \"srv\": each SRV record gives its backend's port");
      return Optional.empty();
    }
    return dnsName(srv.get(), r.pathOf("srv")) ? Optional.of(DiscoverConfig.srv(srv.get())) : Optional.empty();
  }

  private boolean dnsName(String text, String path) {
    if (AddressParser.literal(text).isPresent()) {
      problems.add(path, text + " is an address, not a name to look up: list it under \"backends\" instead");
      return false;
    }
    if (!DNS_NAME.matcher(text).matches()) {
      problems.add(path, "\"" + text + "\" is not a DNS name (labels of letters, digits, '-' and '_', joined by dots)");
      return false;
    }
    return true;
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
