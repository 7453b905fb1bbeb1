package io.portfw.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads one entry of {@code listeners}: what it listens on, the pool it feeds, and its own
 * options (timeouts, UDP sessions, ACL, limits, PROXY headers accepted, socket); its routing by
 * TLS server name is read by {@link SniSection}.
 */
final class ListenerSection {

  private static final Words<Protocol> PROTOCOLS = Words.of("a protocol", Protocol.class).ignoringCase();

  private final Problems problems;
  private final AddressParser addresses;
  private final CrossChecks cross;
  private final SniSection sniRouting;
  private final TlsSection tlsSection;

  ListenerSection(Problems problems, AddressParser addresses, CrossChecks cross, Path base) {
    this.problems = problems;
    this.addresses = addresses;
    this.cross = cross;
    this.sniRouting = new SniSection(problems, cross);
    this.tlsSection = new TlsSection(problems, base);
  }

  Optional<ListenerConfig> read(JsonObjectReader r) {
    Optional<String> name = r.name("name");
    name.ifPresent(n -> cross.listenerName(n, r.pathOf("name")));
    Optional<Protocol> protocol = protocol(r);
    Optional<ListenAddress> listen = r.string("listen", true)
        .flatMap(text -> addresses.listen(text, r.pathOf("listen")));
    if (listen.isPresent() && protocol.isPresent()) {
      cross.listenAddress(protocol.get(), listen.get(), r.pathOf("listen"));
    }
    Optional<String> pool = r.string("pool", true);
    pool.ifPresent(p -> cross.poolReference(p, r.pathOf("pool")));
    TimeoutsConfig timeouts = timeouts(r.object("timeouts"));
    UdpConfig udp = udp(r, protocol.orElse(Protocol.TCP));
    AclConfig acl = r.has("acl") ? acl(r.object("acl")) : AclConfig.OPEN;
    LimitsConfig limits = r.has("limits") ? limits(r.object("limits")) : LimitsConfig.NONE;
    Optional<AcceptProxyConfig> acceptProxy = r.has("acceptProxyProtocol")
        ? acceptProxy(r.object("acceptProxyProtocol"), protocol.orElse(Protocol.TCP)) : Optional.empty();
    Optional<SniConfig> sni = sniRouting.read(r, protocol.orElse(Protocol.TCP));
    SocketConfig socket = r.has("socket") ? socket(r.object("socket"), protocol.orElse(Protocol.TCP)) : SocketConfig.DEFAULT;
    Optional<TlsConfig> tls = tlsSection.read(r, protocol.orElse(Protocol.TCP));
    if (tls.isEmpty() && !r.has("tls") && sni.stream().flatMap(s -> s.routes().stream()).anyMatch(x -> x.clientCn() != null)) {
      problems.add(r.pathOf("routes"), "a route by \"clientCn\" needs \"tls\" on the listener: only a terminated"
          + " handshake verifies a client certificate");
    }
    r.rejectUnknownKeys();
    if (name.isEmpty() || protocol.isEmpty() || listen.isEmpty() || pool.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ListenerConfig(name.get(), protocol.get(), listen.get(), pool.get(), timeouts, udp, acl,
        limits, acceptProxy, sni, socket, tls));
  }

  private Optional<Protocol> protocol(JsonObjectReader r) {
    Optional<String> text = r.string("protocol", false);
    if (text.isEmpty()) {
      return r.has("protocol") ? Optional.empty() : Optional.of(Protocol.TCP);
    }
    return PROTOCOLS.read(text.get(), r.pathOf("protocol"), problems);
  }

  private TimeoutsConfig timeouts(JsonObjectReader r) {
    TimeoutsConfig d = TimeoutsConfig.DEFAULT;
    TimeoutsConfig t = new TimeoutsConfig(r.duration("connect", d.connect()), r.duration("idle", d.idle()),
        r.duration("drain", d.drain()), r.duration("fin", d.fin()));
    r.rejectUnknownKeys();
    return t;
  }

  /** The session keys of a UDP listener; on a TCP listener each one is named as misplaced. */
  private UdpConfig udp(JsonObjectReader r, Protocol protocol) {
    if (protocol != Protocol.UDP) {
      r.misplaced("applies to \"protocol\": \"udp\" listeners only", "sessionIdle", "maxSessions", "responses");
      return UdpConfig.DEFAULT;
    }
    UdpConfig d = UdpConfig.DEFAULT;
    return new UdpConfig(r.duration("sessionIdle", d.sessionIdle()),
        r.integer("maxSessions", 1, UdpConfig.MAX_SESSIONS_LIMIT, d.maxSessions()),
        r.integer("responses", 0, 1_000_000, d.responses()));
  }

  private AclConfig acl(JsonObjectReader r) {
    AclConfig acl = new AclConfig(blocks(r, "allow"), blocks(r, "deny"));
    r.rejectUnknownKeys();
    return acl;
  }

  private LimitsConfig limits(JsonObjectReader r) {
    LimitsConfig limits = new LimitsConfig(r.integer("maxConnections", 0, LimitsConfig.MAX, 0),
        r.integer("maxConnectionsPerSource", 0, LimitsConfig.MAX, 0), r.integer("connectionRate", 0, LimitsConfig.MAX, 0));
    r.rejectUnknownKeys();
    return limits;
  }

  private Optional<AcceptProxyConfig> acceptProxy(JsonObjectReader r, Protocol protocol) {
    if (!r.has("trusted")) {
      problems.add(r.pathOf("trusted"), "is required: the addresses of the load balancers allowed to send PROXY headers");
    }
    List<Cidr> trusted = blocks(r, "trusted");
    if (r.isArray("trusted") && trusted.isEmpty() && r.has("trusted")) {
      problems.add(r.pathOf("trusted"), "must list at least one address or block");
    }
    Duration timeout = r.duration("timeout", AcceptProxyConfig.DEFAULT_TIMEOUT);
    r.rejectUnknownKeys();
    if (protocol == Protocol.UDP) {
      problems.add(r.path(), "applies to tcp listeners only");
      return Optional.empty();
    }
    return Optional.of(new AcceptProxyConfig(trusted, timeout));
  }

  private List<Cidr> blocks(JsonObjectReader r, String key) {
    List<Cidr> blocks = new ArrayList<>();
    for (JsonObjectReader.Element e : r.array(key, false)) {
      if (!e.node().isTextual()) {
        problems.add(e.path(), "must be a string such as \"10.0.0.0/8\", not " + JsonObjectReader.kind(e.node()));
        continue;
      }
      Cidr.Result parsed = Cidr.parse(e.node().asText());
      parsed.error().ifPresent(why -> problems.add(e.path(), why));
      parsed.cidr().ifPresent(blocks::add);
    }
    return blocks;
  }

  /** {@code socket}: options of every socket the listener makes; on a UDP listener the buffer sizes only. */
  private SocketConfig socket(JsonObjectReader r, Protocol protocol) {
    SocketConfig d = SocketConfig.DEFAULT;
    if (protocol == Protocol.UDP) {
      r.misplaced("applies to tcp listeners only", "noDelay", "backlog", "keepAlive");
    }
    SocketConfig socket = new SocketConfig(r.bool("noDelay", d.noDelay()),
        r.integer("backlog", 0, SocketConfig.MAX_BACKLOG, d.backlog()),
        r.integer("receiveBuffer", 0, SocketConfig.MAX_BUFFER, d.receiveBuffer()),
        r.integer("sendBuffer", 0, SocketConfig.MAX_BUFFER, d.sendBuffer()), r.bool("keepAlive", d.keepAlive()));
    r.rejectUnknownKeys();
    return socket;
  }
}
