package io.portfw.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a JSON config file into a {@link PortfwConfig}, or fails with every error found,
 * each with its JSON path. Pure: reading a config changes nothing that runs.
 */
public final class ConfigLoader {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private ConfigLoader() {}

  public static PortfwConfig load(Path file) throws ConfigException {
    return load(file, System::getenv);
  }

  /** As {@link #load(Path)}, with {@code ${NAME}} references resolved by {@code env}. */
  public static PortfwConfig load(Path file, Function<String, String> env) throws ConfigException {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), List.of(new ConfigError("(file)", "no such file")));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of(new ConfigError("(file)", "cannot read: " + e.getMessage())));
    }
    return parse(text, file.toString(), env);
  }

  /** Parses config text; {@code source} names it in the error message. */
  public static PortfwConfig parse(String json, String source) throws ConfigException {
    return parse(json, source, System::getenv);
  }

  /** As {@link #parse(String, String)}, with {@code ${NAME}} references resolved by {@code env}. */
  public static PortfwConfig parse(String json, String source, Function<String, String> env) throws ConfigException {
    requireNonNull(json, "json");
    requireNonNull(source, "source");
    requireNonNull(env, "env");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "(json)" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigException(source, List.of(new ConfigError(where, "invalid JSON: " + e.getOriginalMessage())));
    }
    if (root == null || root.isMissingNode()) {
      throw new ConfigException(source, List.of(new ConfigError("(json)", "the file is empty")));
    }
    Problems problems = new Problems();
    new EnvSubstitution(env, problems).apply(root, "");
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems.list()); // values with holes would only add follow-on errors
    }
    PortfwConfig config = new Reading(problems).config(root);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems.list());
    }
    return config;
  }

  /** One pass over one document; every read adds what it finds wrong to the same problems. */
  private static final class Reading {

    private final Problems problems;
    private final AddressParser addresses;
    private final CrossChecks cross;

    Reading(Problems problems) {
      this.problems = problems;
      this.addresses = new AddressParser(problems);
      this.cross = new CrossChecks(problems);
    }

    PortfwConfig config(JsonNode root) {
      if (!root.isObject()) {
        problems.add("(root)", "must be an object, not " + JsonObjectReader.kind(root));
        return null;
      }
      JsonObjectReader top = new JsonObjectReader(root, "", problems);
      AdminConfig admin = top.has("admin") ? admin(top.object("admin")) : AdminConfig.DEFAULT;
      List<ListenerConfig> listeners = new ArrayList<>();
      for (JsonObjectReader.Element e : top.array("listeners", true)) {
        listener(new JsonObjectReader(e.node(), e.path(), problems)).ifPresent(listeners::add);
      }
      List<PoolConfig> pools = new ArrayList<>();
      for (JsonObjectReader.Element e : top.array("pools", true)) {
        pool(new JsonObjectReader(e.node(), e.path(), problems)).ifPresent(pools::add);
      }
      Optional<AccessLogConfig> accessLog = top.has("accessLog") ? accessLog(top.object("accessLog")) : Optional.empty();
      DnsConfig dns = top.has("dns") ? dns(top.object("dns")) : DnsConfig.DEFAULT;
      top.rejectUnknownKeys();
      cross.checkPoolReferences();
      return problems.isEmpty() ? new PortfwConfig(admin, listeners, pools, accessLog, dns) : null;
    }

    private DnsConfig dns(JsonObjectReader r) {
      List<BackendAddress> servers = new ArrayList<>();
      for (JsonObjectReader.Element e : r.array("servers", false)) {
        if (!e.node().isTextual()) {
          problems.add(e.path(), "must be a string such as \"10.0.0.2\" or \"10.0.0.2:53\", not " + JsonObjectReader.kind(e.node()));
          continue;
        }
        addresses.backend(e.node().asText(), e.path()).ifPresent(server -> {
          if (!server.isLiteral()) {
            problems.add(e.path(), "\"" + server.host() + "\" is not an IP address: a DNS server is given by its address");
          } else {
            servers.add(server.keepsClientPort() ? new BackendAddress(server.host(), 53) : server);
          }
        });
      }
      DnsConfig d = DnsConfig.DEFAULT;
      Duration minTtl = r.duration("minTtl", d.minTtl());
      Duration maxTtl = r.duration("maxTtl", d.maxTtl());
      Duration timeout = r.duration("timeout", d.timeout());
      r.rejectUnknownKeys();
      if (minTtl.compareTo(maxTtl) > 0) {
        problems.add(r.pathOf("minTtl"), "must not be longer than maxTtl");
        return d;
      }
      return new DnsConfig(servers, minTtl, maxTtl, timeout);
    }

    private Optional<AccessLogConfig> accessLog(JsonObjectReader r) {
      String format = r.string("format", false).orElse("plain");
      String output = r.string("output", false).orElse("stdout");
      r.rejectUnknownKeys();
      AccessLogConfig.Format f = switch (format) {
        case "plain" -> AccessLogConfig.Format.PLAIN;
        case "json" -> AccessLogConfig.Format.JSON;
        default -> {
          problems.add(r.pathOf("format"), "\"" + format + "\" is not a log format (use \"plain\" or \"json\")");
          yield null;
        }
      };
      if (output.isBlank()) {
        problems.add(r.pathOf("output"), "must be stdout, stderr or a file path");
        return Optional.empty();
      }
      return f == null ? Optional.empty() : Optional.of(new AccessLogConfig(f, output));
    }

    private AdminConfig admin(JsonObjectReader r) {
      ListenAddress listen = r.string("listen", false)
          .flatMap(text -> addresses.listen(text, r.pathOf("listen")))
          .orElse(AdminConfig.DEFAULT.listen());
      if (listen.isRange()) {
        problems.add(r.pathOf("listen"), "the admin endpoint listens on one port, not a range");
      }
      Optional<String> token = r.string("token", false);
      if (token.isPresent() && token.get().length() < 16) {
        problems.add(r.pathOf("token"), "is too short: use at least 16 characters");
      }
      if (token.isEmpty() && !isLoopback(listen.host())) {
        problems.add(r.pathOf("listen"), listen + " is not a loopback address, so admin.token must be set");
      }
      r.rejectUnknownKeys();
      return new AdminConfig(listen, token);
    }

    private Optional<ListenerConfig> listener(JsonObjectReader r) {
      Optional<String> name = r.string("name", true).filter(n -> validName(n, r.pathOf("name")));
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
      Optional<SniConfig> sni = sni(r, protocol.orElse(Protocol.TCP));
      SocketConfig socket = r.has("socket") ? socket(r.object("socket"), protocol.orElse(Protocol.TCP)) : SocketConfig.DEFAULT;
      r.rejectUnknownKeys();
      if (name.isEmpty() || protocol.isEmpty() || listen.isEmpty() || pool.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new ListenerConfig(name.get(), protocol.get(), listen.get(), pool.get(), timeouts, udp, acl,
          limits, acceptProxy, sni, socket));
    }

    /** {@code socket}: options of every socket the listener makes; on a UDP listener the buffer sizes only. */
    private SocketConfig socket(JsonObjectReader r, Protocol protocol) {
      SocketConfig d = SocketConfig.DEFAULT;
      if (protocol == Protocol.UDP) {
        for (String tcpOnly : List.of("noDelay", "backlog", "keepAlive")) {
          if (r.has(tcpOnly)) {
            problems.add(r.pathOf(tcpOnly), "applies to tcp listeners only");
          }
        }
      }
      SocketConfig socket = new SocketConfig(r.bool("noDelay", d.noDelay()),
          r.integer("backlog", 0, SocketConfig.MAX_BACKLOG, d.backlog()),
          r.integer("receiveBuffer", 0, SocketConfig.MAX_BUFFER, d.receiveBuffer()),
          r.integer("sendBuffer", 0, SocketConfig.MAX_BUFFER, d.sendBuffer()), r.bool("keepAlive", d.keepAlive()));
      r.rejectUnknownKeys();
      return socket;
    }

    private static final Pattern SERVER_NAME =
        Pattern.compile("(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** {@code routes}, {@code sniTimeout} and {@code notTls}: routing by TLS server name. */
    private Optional<SniConfig> sni(JsonObjectReader r, Protocol protocol) {
      if (!r.has("routes")) {
        foreignKeys(r, "routes", "sniTimeout", "notTls");
        return Optional.empty();
      }
      if (protocol == Protocol.UDP) {
        problems.add(r.pathOf("routes"), "applies to tcp listeners only");
      }
      List<SniConfig.Route> routes = new ArrayList<>();
      for (JsonObjectReader.Element e : r.array("routes", true)) {
        JsonObjectReader route = new JsonObjectReader(e.node(), e.path(), problems);
        Optional<String> serverName = route.string("serverName", true);
        Optional<String> pool = route.string("pool", true);
        pool.ifPresent(p -> cross.poolReference(p, route.pathOf("pool")));
        serverName.filter(n -> !SERVER_NAME.matcher(n).matches()).ifPresent(n -> problems.add(route.pathOf("serverName"),
            "\"" + n + "\" is not a server name (e.g. www.example.com, or *.example.com for every name under it)"));
        route.rejectUnknownKeys();
        if (serverName.isPresent() && pool.isPresent()) {
          routes.add(new SniConfig.Route(serverName.get(), pool.get()));
        }
      }
      Duration timeout = r.duration("sniTimeout", SniConfig.DEFAULT_TIMEOUT);
      String notTls = r.string("notTls", false).orElse("pool");
      if (!notTls.equals("pool") && !notTls.equals("close")) {
        problems.add(r.pathOf("notTls"), "\"" + notTls + "\" is not what to do with a client that is not TLS (use \"pool\" or \"close\")");
      }
      return Optional.of(new SniConfig(routes, timeout, notTls.equals("close")));
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

    private AclConfig acl(JsonObjectReader r) {
      AclConfig acl = new AclConfig(blocks(r, "allow"), blocks(r, "deny"));
      r.rejectUnknownKeys();
      return acl;
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

    private LimitsConfig limits(JsonObjectReader r) {
      LimitsConfig limits = new LimitsConfig(r.integer("maxConnections", 0, LimitsConfig.MAX, 0),
          r.integer("maxConnectionsPerSource", 0, LimitsConfig.MAX, 0), r.integer("connectionRate", 0, LimitsConfig.MAX, 0));
      r.rejectUnknownKeys();
      return limits;
    }

    /** The session keys of a UDP listener; on a TCP listener each one is named as misplaced. */
    private UdpConfig udp(JsonObjectReader r, Protocol protocol) {
      if (protocol != Protocol.UDP) {
        foreignKeys(r, "udp", "sessionIdle", "maxSessions", "responses");
        return UdpConfig.DEFAULT;
      }
      UdpConfig d = UdpConfig.DEFAULT;
      return new UdpConfig(r.duration("sessionIdle", d.sessionIdle()),
          r.integer("maxSessions", 1, UdpConfig.MAX_SESSIONS_LIMIT, d.maxSessions()),
          r.integer("responses", 0, 1_000_000, d.responses()));
    }

    private Optional<Protocol> protocol(JsonObjectReader r) {
      Optional<String> text = r.string("protocol", false);
      if (text.isEmpty()) {
        return r.has("protocol") ? Optional.empty() : Optional.of(Protocol.TCP);
      }
      String word = text.get().toLowerCase(Locale.ROOT);
      if (word.equals("tcp")) {
        return Optional.of(Protocol.TCP);
      }
      if (word.equals("udp")) {
        return Optional.of(Protocol.UDP);
      }
      problems.add(r.pathOf("protocol"), "\"" + text.get() + "\" is not a protocol (use \"tcp\" or \"udp\")");
      return Optional.empty();
    }

    private TimeoutsConfig timeouts(JsonObjectReader r) {
      TimeoutsConfig d = TimeoutsConfig.DEFAULT;
      TimeoutsConfig t = new TimeoutsConfig(r.duration("connect", d.connect()), r.duration("idle", d.idle()),
          r.duration("drain", d.drain()), r.duration("fin", d.fin()));
      r.rejectUnknownKeys();
      return t;
    }

    private Optional<PoolConfig> pool(JsonObjectReader r) {
      Optional<String> name = r.string("name", true).filter(n -> validName(n, r.pathOf("name")));
      name.ifPresent(n -> cross.poolName(n, r.pathOf("name")));
      String balance = r.string("balance", false).orElse(PoolConfig.DEFAULT_BALANCE);
      boolean balanceKnown = PoolConfig.BALANCE_NAMES.contains(balance);
      if (!balanceKnown) {
        problems.add(r.pathOf("balance"), "\"" + balance + "\" is not a balancing strategy (use one of: "
            + String.join(", ", PoolConfig.BALANCE_NAMES) + ")");
      }
      int retries = r.integer("retries", 0, PoolConfig.MAX_RETRIES, PoolConfig.DEFAULT_RETRIES);
      Optional<StickyConfig> sticky = r.has("sticky") ? Optional.of(sticky(r.object("sticky"))) : Optional.empty();
      Duration slowStart = r.has("slowStart") ? r.duration("slowStart", Duration.ZERO, true) : Duration.ZERO;
      Optional<HealthConfig> health = r.has("health") ? health(r.object("health")) : Optional.empty();
      Optional<OutlierConfig> outlier = r.has("outlier") ? outlier(r.object("outlier")) : Optional.empty();
      Optional<ProxyProtocol> proxyProtocol = r.string("proxyProtocol", false).flatMap(v -> switch (v) {
        case "v1" -> Optional.of(ProxyProtocol.V1);
        case "v2" -> Optional.of(ProxyProtocol.V2);
        default -> {
          problems.add(r.pathOf("proxyProtocol"), "\"" + v + "\" is not a PROXY protocol version (use \"v1\" or \"v2\")");
          yield Optional.empty();
        }
      });
      Optional<PreconnectConfig> preconnect = r.has("preconnect") ? preconnect(r.object("preconnect")) : Optional.empty();
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
      r.rejectUnknownKeys();
      if (name.isEmpty() || !balanceKnown || backends.size() != elements.size()) {
        return Optional.empty();
      }
      return Optional.of(new PoolConfig(name.get(), balance, backends, retries, sticky, slowStart, health, outlier,
          proxyProtocol, preconnect));
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

    private Optional<HealthConfig> health(JsonObjectReader r) {
      Optional<ProbeConfig> probe = r.string("type", true).flatMap(type -> probe(type, r));
      Duration interval = r.duration("interval", HealthConfig.DEFAULT_INTERVAL);
      if (interval.compareTo(HealthConfig.SHORTEST_INTERVAL) < 0) {
        problems.add(r.pathOf("interval"), "must be at least " + HealthConfig.SHORTEST_INTERVAL.toMillis() + "ms");
      }
      Duration timeout = r.duration("timeout", HealthConfig.DEFAULT_TIMEOUT);
      int rise = r.integer("rise", 1, HealthConfig.MAX_COUNT, HealthConfig.DEFAULT_RISE);
      int fall = r.integer("fall", 1, HealthConfig.MAX_COUNT, HealthConfig.DEFAULT_FALL);
      int port = r.integer("port", 1, 65535, 0);
      String initial = r.string("initial", false).orElse("up");
      if (!initial.equals("up") && !initial.equals("down")) {
        problems.add(r.pathOf("initial"), "\"" + initial + "\" is not a state a new backend can start in (use \"up\" or \"down\")");
      }
      r.rejectUnknownKeys();
      return probe.map(p -> new HealthConfig(p, interval, timeout, rise, fall, port, initial.equals("down")));
    }

    /** The keys of one probe type; any other type's keys are named as such, not as unknown. */
    private Optional<ProbeConfig> probe(String type, JsonObjectReader r) {
      Optional<ProbeConfig> probe = switch (type) {
        case "tcp" -> Optional.of(new ProbeConfig.Tcp());
        case "http" -> httpProbe(r);
        case "send-expect" -> sendExpectProbe(r);
        default -> {
          problems.add(r.pathOf("type"), "\"" + type + "\" is not a health check type (use tcp, http or send-expect)");
          yield Optional.empty();
        }
      };
      if (!type.equals("http")) {
        foreignKeys(r, "http", "path", "host", "expectStatus", "expectBody");
      }
      if (!type.equals("send-expect")) {
        foreignKeys(r, "send-expect", "send", "expect", "protocol");
      }
      return probe;
    }

    private void foreignKeys(JsonObjectReader r, String type, String... keys) {
      for (String key : keys) {
        if (r.has(key)) {
          problems.add(r.pathOf(key), type.equals("udp") ? "applies to \"protocol\": \"udp\" listeners only"
              : type.equals("routes") ? "applies only with \"routes\" (routing by TLS server name)"
              : "applies to \"type\": \"" + type + "\" only");
        }
      }
    }

    private Optional<ProbeConfig> httpProbe(JsonObjectReader r) {
      String path = r.string("path", false).orElse("/");
      if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        problems.add(r.pathOf("path"), "\"" + path + "\" is not a request path (it starts with / and has no spaces)");
      }
      Optional<String> host = r.string("host", false);
      if (host.isPresent() && (host.get().isBlank() || host.get().chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
        problems.add(r.pathOf("host"), "\"" + host.get() + "\" is not a Host header value");
      }
      StatusCodes expectStatus = r.string("expectStatus", false).map(text -> StatusCodes.parse(text).orElseGet(() -> {
        problems.add(r.pathOf("expectStatus"), "\"" + text + "\" is not a list of status codes (e.g. \"200-399\" or \"200,204\")");
        return StatusCodes.DEFAULT;
      })).orElse(StatusCodes.DEFAULT);
      Optional<String> expectBody = r.string("expectBody", false);
      if (expectBody.isPresent() && expectBody.get().isEmpty()) {
        problems.add(r.pathOf("expectBody"), "must not be empty (leave it out to check the status only)");
      }
      return Optional.of(new ProbeConfig.Http(path, host, expectStatus, expectBody));
    }

    private Optional<ProbeConfig> sendExpectProbe(JsonObjectReader r) {
      String send = r.string("send", false).orElse("");
      String transport = r.string("protocol", false).orElse("tcp");
      if (!transport.equals("tcp") && !transport.equals("udp")) {
        problems.add(r.pathOf("protocol"), "\"" + transport + "\" is not a protocol (use \"tcp\" or \"udp\")");
      }
      Optional<String> expect = r.string("expect", true);
      if (expect.isPresent()) {
        try {
          Pattern.compile(expect.get());
        } catch (java.util.regex.PatternSyntaxException e) {
          problems.add(r.pathOf("expect"), "is not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
          return Optional.empty();
        }
      }
      Protocol protocol = transport.equals("udp") ? Protocol.UDP : Protocol.TCP;
      if (protocol == Protocol.UDP && send.isEmpty()) {
        problems.add(r.pathOf("send"), "is required over udp: an empty datagram cannot be sent");
      }
      return expect.map(e -> new ProbeConfig.SendExpect(send, e, protocol));
    }

    private Optional<OutlierConfig> outlier(JsonObjectReader r) {
      OutlierConfig d = OutlierConfig.DEFAULT;
      int failures = r.integer("consecutiveFailures", 1, OutlierConfig.MAX_CONSECUTIVE_FAILURES, d.consecutiveFailures());
      Duration ejectionTime = r.duration("ejectionTime", d.ejectionTime());
      Duration maxEjectionTime = r.duration("maxEjectionTime",
          ejectionTime.compareTo(d.maxEjectionTime()) > 0 ? ejectionTime : d.maxEjectionTime());
      int percent = r.integer("maxEjectionPercent", 1, 100, d.maxEjectionPercent());
      r.rejectUnknownKeys();
      if (maxEjectionTime.compareTo(ejectionTime) < 0) {
        problems.add(r.pathOf("maxEjectionTime"), "must not be shorter than ejectionTime");
        return Optional.empty();
      }
      return Optional.of(new OutlierConfig(failures, ejectionTime, maxEjectionTime, percent));
    }

    private StickyConfig sticky(JsonObjectReader r) {
      StickyConfig sticky = new StickyConfig(r.duration("ttl", StickyConfig.DEFAULT_TTL),
          r.integer("maxEntries", 1, StickyConfig.MAX_ENTRIES_LIMIT, StickyConfig.DEFAULT_MAX_ENTRIES));
      r.rejectUnknownKeys();
      return sticky;
    }

    private Optional<BackendConfig> backend(JsonObjectReader r, CrossChecks.Scope seen) {
      Optional<BackendAddress> address = r.string("address", true)
          .flatMap(text -> addresses.backend(text, r.pathOf("address")));
      address.ifPresent(a -> seen.unique("address " + a, r.pathOf("address")));
      int weight = r.integer("weight", 0, BackendConfig.MAX_WEIGHT, BackendConfig.DEFAULT_WEIGHT);
      boolean backup = r.bool("backup", false);
      int maxConnections = r.integer("maxConnections", 0, BackendConfig.MAX_CONNECTIONS_LIMIT, BackendConfig.UNLIMITED);
      r.rejectUnknownKeys();
      return address.map(a -> new BackendConfig(a, weight, backup, maxConnections));
    }

    private boolean validName(String name, String path) {
      if (NAME.matcher(name).matches()) {
        return true;
      }
      problems.add(path, "\"" + name + "\" is not a valid name (1-63 letters, digits, '.', '_' or '-')");
      return false;
    }

    private static boolean isLoopback(String host) {
      return host.equals("localhost") || AddressParser.literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }
  }
}
