package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String VALID = """
      {
        "admin": { "listen": "127.0.0.1:9900" },
        "listeners": [
          { "name": "web", "protocol": "tcp", "listen": "0.0.0.0:8080", "pool": "web",
            "timeouts": { "connect": "250ms", "idle": "2m", "drain": "5s", "fin": "10s" } },
          { "name": "ssh", "listen": "[::1]:2222", "pool": "inside" },
          { "name": "range", "listen": "127.0.0.1:30000-30010", "pool": "inside" }
        ],
        "pools": [
          { "name": "web", "balance": "round-robin", "retries": 0,
            "backends": [ { "address": "10.0.0.11:80", "weight": 10 },
                          { "address": "10.0.0.12:80", "weight": 5 },
                          { "address": "10.0.0.13:80", "backup": true } ] },
          { "name": "inside", "backends": [ { "address": "backend.internal" } ] }
        ]
      }
      """;

  @Test
  void parse_validConfig_bindsEveryField() throws Exception {
    PortfwConfig config = ConfigLoader.parse(VALID, "valid.json");

    assertThat(config.admin().listen()).isEqualTo(ListenAddress.of("127.0.0.1", 9900));
    ListenerConfig web = config.listeners().get(0);
    assertThat(web.protocol()).isEqualTo(Protocol.TCP);
    assertThat(web.listen()).isEqualTo(ListenAddress.of("0.0.0.0", 8080));
    assertThat(web.timeouts()).isEqualTo(
        new TimeoutsConfig(Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofSeconds(10)));
    assertThat(config.listeners().get(1).listen()).isEqualTo(ListenAddress.of("::1", 2222));
    assertThat(config.listeners().get(1).timeouts()).isEqualTo(TimeoutsConfig.DEFAULT);
    assertThat(config.listeners().get(2).listen().ports().count()).isEqualTo(11);

    PoolConfig pool = config.pool("web").orElseThrow();
    assertThat(pool.retries()).isZero();
    assertThat(pool.backends()).containsExactly(
        new BackendConfig(new BackendAddress("10.0.0.11", 80), 10, false, 0),
        new BackendConfig(new BackendAddress("10.0.0.12", 80), 5, false, 0),
        new BackendConfig(new BackendAddress("10.0.0.13", 80), 1, true, 0));
    assertThat(pool.sticky()).isEmpty();
    assertThat(pool.slowStart()).isZero();
    PoolConfig inside = config.pool("inside").orElseThrow();
    assertThat(inside.retries()).isEqualTo(2);
    assertThat(inside.balance()).isEqualTo("round-robin");
    assertThat(inside.backends().get(0).address().keepsClientPort()).isTrue();
    assertThat(config.summary()).isEqualTo("3 listeners, 2 pools, 4 backends");
  }

  @Test
  void parse_manyMistakes_reportsEveryErrorWithItsPath() {
    String json = """
        {
          "listeners": [
            { "name": "web", "listen": "0.0.0.0:8080", "pool": "web" },
            { "name": "web", "listen": "0.0.0.0:8080", "pool": "web", "colour": "blue" },
            { "name": "mail", "listen": "0.0.0.0:25", "pool": "mail",
              "timeouts": { "connect": "5x", "idle": 10 } }
          ],
          "pools": [
            { "name": "web", "retries": -1,
              "backends": [ { "address": "10.0.0.11:80" }, { "address": "10.0.0.12:70000" },
                            { "address": "10.0.0.11:80", "weight": 300 } ] },
            { "name": "other", "balance": "fastest", "backends": [] }
          ]
        }
        """;

    assertThat(errorsOf(json)).containsExactly(
        "listeners[1].name: duplicate name \"web\" (first used at listeners[0].name)",
        "listeners[1].listen: duplicate listen address: 0.0.0.0:8080 overlaps 0.0.0.0:8080 of listeners[0].listen",
        "listeners[1].colour: unknown key (known keys: name, protocol, listen, pool, timeouts, sessionIdle, maxSessions, responses, acl, limits, acceptProxyProtocol, routes, sniTimeout, notTls, socket, tls)",
        "listeners[2].timeouts.connect: \"5x\" is not a duration (use e.g. 250ms, 5s, 2m, 1h)",
        "listeners[2].timeouts.idle: must be a string, not a number",
        "pools[0].retries: -1 is out of range 0-100",
        "pools[0].backends[1].address: port 70000 is out of range 1-65535",
        "pools[0].backends[2].address: duplicate address 10.0.0.11:80 (first used at pools[0].backends[0].address)",
        "pools[0].backends[2].weight: 300 is out of range 0-256",
        "pools[1].balance: \"fastest\" is not a balancing strategy (use one of: "
            + "round-robin, least-connections, power-of-two, random, source-hash)",
        "pools[1].backends: a pool needs at least one backend",
        "listeners[2].pool: no pool named \"mail\"");
  }

  @Test
  void parse_balancingOptions_bindStickySlowStartAndLimits() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [],
          "pools": [ { "name": "web", "balance": "least-connections", "slowStart": "30s",
                       "sticky": { "ttl": "10m", "maxEntries": 5000 },
                       "backends": [ { "address": "10.0.0.11:80", "maxConnections": 100 } ] },
                     { "name": "hash", "balance": "source-hash", "sticky": {},
                       "backends": [ { "address": "10.0.0.12:80" } ] } ] }
        """, "test.json");

    PoolConfig web = config.pool("web").orElseThrow();
    assertThat(web.balance()).isEqualTo("least-connections");
    assertThat(web.slowStart()).isEqualTo(Duration.ofSeconds(30));
    assertThat(web.sticky()).contains(new StickyConfig(Duration.ofMinutes(10), 5000));
    assertThat(web.backends().get(0).maxConnections()).isEqualTo(100);
    assertThat(config.pool("hash").orElseThrow().sticky())
        .contains(new StickyConfig(StickyConfig.DEFAULT_TTL, StickyConfig.DEFAULT_MAX_ENTRIES));
  }

  @Test
  void parse_durations_zeroSlowStartIsOffAndHugeOnesAreRefused() throws Exception {
    PortfwConfig off = ConfigLoader.parse("""
        { "listeners": [], "pools": [ { "name": "p", "slowStart": "0s", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """, "test.json");
    assertThat(off.pools().get(0).slowStart()).isZero();
    assertThat(errorsOf("""
        { "listeners": [ { "name": "l", "listen": "0.0.0.0:80", "pool": "p", "timeouts": { "idle": "999999d" } } ],
          "pools": [ { "name": "p", "slowStart": "366d", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """)).containsExactly(
        "listeners[0].timeouts.idle: \"999999d\" is longer than the longest allowed, 365d",
        "pools[0].slowStart: \"366d\" is longer than the longest allowed, 365d");
  }

  @Test
  void parse_badBalancingOptions_sayWhatIsWrong() {
    String json = """
        { "listeners": [],
          "pools": [ { "name": "web", "balance": "least-conn", "slowStart": "soon",
                       "sticky": { "ttl": "0s", "maxEntries": 0, "cookie": "x" },
                       "backends": [ { "address": "10.0.0.11:80", "maxConnections": -5 } ] } ] }
        """;
    assertThat(errorsOf(json)).containsExactly(
        "pools[0].balance: \"least-conn\" is not a balancing strategy (use one of: "
            + "round-robin, least-connections, power-of-two, random, source-hash)",
        "pools[0].sticky.ttl: must be longer than 0",
        "pools[0].sticky.maxEntries: 0 is out of range 1-10000000",
        "pools[0].sticky.cookie: unknown key (known keys: ttl, maxEntries)",
        "pools[0].slowStart: \"soon\" is not a duration (use e.g. 250ms, 5s, 2m, 1h)",
        "pools[0].backends[0].maxConnections: -5 is out of range 0-10000000");
  }

  @Test
  void parse_badAddresses_sayWhatIsWrong() {
    String json = """
        { "listeners": [
            { "name": "a", "listen": "0.0.0.0", "pool": "p" },
            { "name": "b", "listen": "::1:80", "pool": "p" },
            { "name": "c", "listen": "0.0.0.0:90-80", "pool": "p" },
            { "name": "d", "listen": "300.1.1.1:80", "pool": "p" },
            { "name": "e", "listen": "0.0.0.0:http", "pool": "p" },
            { "name": "f", "listen": "0.0.0.0:0", "pool": "p" }
          ],
          "pools": [ { "name": "p", "backends": [ { "address": "[::1" } ] } ] }
        """;

    assertThat(errorsOf(json)).containsExactly(
        "listeners[0].listen: \"0.0.0.0\" has no port (write host:port, e.g. 0.0.0.0:8080)",
        "listeners[1].listen: an IPv6 address needs brackets, e.g. [::1]:8080",
        "listeners[2].listen: port range 90-80 runs backwards",
        "listeners[3].listen: \"300.1.1.1\" is not a valid host name or IPv4 address",
        "listeners[4].listen: port \"http\" is not a number",
        "listeners[5].listen: port 0 is out of range 1-65535",
        "pools[0].backends[0].address: \"[::1\" has no closing ']'");
  }

  @Test
  void parse_moreBadValues_oneClearErrorEach() {
    String json = """
        { "listeners": [ "web", { "name": "b", "listen": "[1::2::3]:80", "pool": "p" },
                         { "name": "c", "listen": "0.0.0.0:99999999999", "pool": "p" } ],
          "pools": [ { "name": "p", "backends": [ { "address": "0.0.0.0:80", "weight": 1.5 },
                                                  { "address": "[::]:80" } ] },
                     { "name": "q", "backends": "10.0.0.1:80" } ] }
        """;
    assertThat(errorsOf(json)).containsExactly(
        "listeners[0]: must be an object, not a string",
        "listeners[1].listen: \"1::2::3\" is not an IPv6 address",
        "listeners[2].listen: port 99999999999 is out of range 1-65535",
        "pools[0].backends[0].address: 0.0.0.0 is the wildcard address, not a server: name the backend's own address",
        "pools[0].backends[0].weight: must be a whole number, not 1.5",
        "pools[0].backends[1].address: :: is the wildcard address, not a server: name the backend's own address",
        "pools[1].backends: must be an array, not a string");
  }

  @Test
  void parse_ipv6LoopbackAdmin_needsNoToken() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "admin": { "listen": "[0:0:0:0:0:0:0:1]:9900" }, "listeners": [], "pools": [] }
        """, "test.json");
    assertThat(config.admin().listen().host()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void parse_overlappingRangesAndWildcards_areDuplicates() {
    String json = """
        { "listeners": [
            { "name": "a", "listen": "127.0.0.1:30000-30100", "pool": "p" },
            { "name": "b", "listen": "0.0.0.0:30100", "pool": "p" },
            { "name": "c", "listen": "127.0.0.2:30050", "pool": "p" }
          ],
          "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1" } ] } ] }
        """;

    assertThat(errorsOf(json)).containsExactly(
        "listeners[1].listen: duplicate listen address: 0.0.0.0:30100 overlaps 127.0.0.1:30000-30100 of listeners[0].listen");
  }

  @Test
  void parse_stateDir_isKeptAsWritten_andMustNameADirectory() throws Exception {
    String base = "{ \"listeners\": [], \"pools\": [] %s }";
    assertThat(ConfigLoader.parse(base.formatted(""), "t.json").stateDir()).isEmpty();
    assertThat(ConfigLoader.parse(base.formatted(", \"stateDir\": \"/var/lib/portfw\""), "t.json").stateDir())
        .contains("/var/lib/portfw");
    assertThat(errorsOf(base.formatted(", \"stateDir\": \" \""))).containsExactly(
        "stateDir: must be a directory path (or left out: beside the config file)");
    assertThat(errorsOf(base.formatted(", \"stateDir\": 7"))).containsExactly("stateDir: must be a string, not a number");
  }

  @Test
  void parse_missingAndMistypedSections_areReported() {
    assertThat(errorsOf("{ \"pools\": {}, \"extra\": 1 }")).containsExactly(
        "listeners: is required",
        "pools: must be an array, not an object",
        "extra: unknown key (known keys: admin, listeners, pools, accessLog, dns, stateDir, logging, cluster)");
    assertThat(errorsOf("[]")).containsExactly("(root): must be an object, not an array");
    assertThat(errorsOf("")).containsExactly("(json): the file is empty");
  }

  @Test
  void parse_udpListeners_bindTheirSessionKeys_andTcpOnesRefuseThem() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [ { "name": "dns", "protocol": "udp", "listen": "0.0.0.0:53", "pool": "dns",
                           "sessionIdle": "5s", "maxSessions": 5000, "responses": 1 },
                         { "name": "dns-tcp", "listen": "0.0.0.0:53", "pool": "dns" },
                         { "name": "syslog", "protocol": "UDP", "listen": "0.0.0.0:514", "pool": "dns" } ],
          "pools": [ { "name": "dns", "health": { "type": "send-expect", "protocol": "udp", "send": "x", "expect": "y" },
                       "backends": [ { "address": "127.0.0.1:5353" } ] } ] }
        """, "test.json");
    assertThat(config.listeners().get(0).protocol()).isEqualTo(Protocol.UDP);
    assertThat(config.listeners().get(0).udp()).isEqualTo(new UdpConfig(Duration.ofSeconds(5), 5000, 1));
    assertThat(config.listeners().get(2).udp()).isEqualTo(UdpConfig.DEFAULT);
    assertThat(config.pool("dns").orElseThrow().health().orElseThrow().probe())
        .isEqualTo(new ProbeConfig.SendExpect("x", "y", Protocol.UDP));

    assertThat(errorsOf("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "p", "responses": 1 },
                         { "name": "dns", "protocol": "udp", "listen": "0.0.0.0:53", "pool": "p", "maxSessions": 0,
                           "sessionIdle": "0s" },
                         { "name": "x", "protocol": "sctp", "listen": "0.0.0.0:9", "pool": "p" } ],
          "pools": [ { "name": "p", "health": { "type": "tcp", "protocol": "udp" }, "backends": [ { "address": "127.0.0.1:53" } ] } ] }
        """)).containsExactly(
        "listeners[0].responses: applies to \"protocol\": \"udp\" listeners only",
        "listeners[1].sessionIdle: must be longer than 0",
        "listeners[1].maxSessions: 0 is out of range 1-10000000",
        "listeners[2].protocol: \"sctp\" is not a protocol (use \"tcp\" or \"udp\")",
        "pools[0].health.protocol: applies to \"type\": \"send-expect\" only");
  }

  @Test
  void parse_adminOnPublicAddressWithoutToken_isRefused() {
    String json = """
        { "admin": { "listen": "0.0.0.0:9900" }, "listeners": [], "pools": [] }
        """;
    assertThat(errorsOf(json)).containsExactly(
        "admin.listen: 0.0.0.0:9900 is not a loopback address, so admin.token must be set");
  }

  @Test
  void parse_brokenJson_saysWhere() {
    List<String> errors = errorsOf("{\n  \"listeners\": [ },\n}");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("line 2, column 18: invalid JSON: Unexpected close marker '}'");
  }

  @Test
  void parse_duplicateKey_isAnError() {
    List<String> errors = errorsOf("{ \"listeners\": [], \"listeners\": [], \"pools\": [] }");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("invalid JSON: Duplicate field 'listeners'");
  }

  @Test
  void load_missingFile_isAnError(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("(file): no such file");
  }

  @Test
  void load_readsTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("portfw.json"), VALID);
    assertThat(ConfigLoader.load(file).listeners()).hasSize(3);
  }

  @Test
  void parse_healthChecks_bindEachTypeWithItsDefaults() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [],
          "pools": [
            { "name": "tcp", "health": { "type": "tcp" }, "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "http", "health": { "type": "http", "path": "/health", "host": "www.example.com",
                "expectStatus": "200,204,300-304", "expectBody": "ok", "interval": "500ms", "timeout": "300ms",
                "rise": 1, "fall": 5, "port": 8081, "initial": "down" },
              "backends": [ { "address": "10.0.0.2:80" } ] },
            { "name": "smtp", "health": { "type": "send-expect", "send": "QUIT\\r\\n", "expect": "^220 " },
              "outlier": {}, "backends": [ { "address": "10.0.0.3:25" } ] },
            { "name": "ssh", "health": { "type": "send-expect", "expect": "^SSH-2[.]0" },
              "outlier": { "consecutiveFailures": 3, "ejectionTime": "10s", "maxEjectionTime": "1m",
                           "maxEjectionPercent": 100 },
              "backends": [ { "address": "10.0.0.4:22" } ] }
          ] }
        """, "test.json");

    assertThat(config.pool("tcp").orElseThrow().health()).contains(HealthConfig.tcp());
    assertThat(config.pool("tcp").orElseThrow().outlier()).isEmpty();
    HealthConfig http = config.pool("http").orElseThrow().health().orElseThrow();
    assertThat(http).isEqualTo(new HealthConfig(new ProbeConfig.Http("/health", java.util.Optional.of("www.example.com"),
        StatusCodes.parse("200,204,300-304").orElseThrow(), java.util.Optional.of("ok")),
        Duration.ofMillis(500), Duration.ofMillis(300), 1, 5, 8081, true));
    assertThat(((ProbeConfig.Http) http.probe()).expectStatus().matches(302)).isTrue();
    assertThat(((ProbeConfig.Http) http.probe()).expectStatus().matches(299)).isFalse();
    assertThat(config.pool("smtp").orElseThrow().health().orElseThrow().probe())
        .isEqualTo(new ProbeConfig.SendExpect("QUIT\r\n", "^220 "));
    assertThat(config.pool("smtp").orElseThrow().outlier()).contains(OutlierConfig.DEFAULT);
    assertThat(config.pool("ssh").orElseThrow().health().orElseThrow().probe())
        .isEqualTo(new ProbeConfig.SendExpect("", "^SSH-2[.]0"));
    assertThat(config.pool("ssh").orElseThrow().outlier())
        .contains(new OutlierConfig(3, Duration.ofSeconds(10), Duration.ofMinutes(1), 100));
  }

  @Test
  void parse_badHealthChecks_sayWhatIsWrongAndWhere() {
    String json = """
        { "listeners": [],
          "pools": [
            { "name": "a", "health": { "type": "ping" }, "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "b", "health": { "type": "tcp", "path": "/", "expect": "x", "rise": 0, "interval": "10ms" },
              "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "c", "health": { "type": "http", "path": "health", "expectStatus": "2xx", "initial": "maybe" },
              "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "d", "health": { "type": "send-expect", "expect": "([a-z" }, "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "e", "health": { "type": "tcp" }, "backends": [ { "address": "10.0.0.1" } ] },
            { "name": "f", "outlier": { "consecutiveFailures": 0, "ejectionTime": "1m", "maxEjectionTime": "10s",
                "maxEjectionPercent": 101 }, "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "g", "health": "tcp", "backends": [ { "address": "10.0.0.1:80" } ] },
            { "name": "h", "health": { "type": "send-expect" }, "backends": [ { "address": "10.0.0.1:80" } ] }
          ] }
        """;
    assertThat(errorsOf(json)).containsExactly(
        "pools[0].health.type: \"ping\" is not a health check type (use tcp, http or send-expect)",
        "pools[1].health.path: applies to \"type\": \"http\" only",
        "pools[1].health.expect: applies to \"type\": \"send-expect\" only",
        "pools[1].health.interval: must be at least 50ms",
        "pools[1].health.rise: 0 is out of range 1-100",
        "pools[2].health.path: \"health\" is not a request path (it starts with / and has no spaces)",
        "pools[2].health.expectStatus: \"2xx\" is not a list of status codes (e.g. \"200-399\" or \"200,204\")",
        "pools[2].health.initial: \"maybe\" is not a state a new backend can start in (use \"up\" or \"down\")",
        "pools[3].health.expect: is not a regular expression: Unclosed character class near index 4",
        "pools[4].health.port: is required: backend 10.0.0.1 has no port of its own (it takes the client's), "
            + "so the checks need one",
        "pools[5].outlier.consecutiveFailures: 0 is out of range 1-1000",
        "pools[5].outlier.maxEjectionPercent: 101 is out of range 1-100",
        "pools[5].outlier.maxEjectionTime: must not be shorter than ejectionTime",
        "pools[6].health: must be an object, not a string",
        "pools[7].health.expect: is required");
  }

  @Test
  void parse_accessLog_bindsFormatAndOutput_andRefusesUnknownFormats() throws Exception {
    PortfwConfig json = ConfigLoader.parse("""
        { "accessLog": { "format": "json", "output": "/var/log/portfw/access.log" }, "listeners": [], "pools": [] }
        """, "test.json");
    assertThat(json.accessLog()).contains(new AccessLogConfig(AccessLogConfig.Format.JSON, "/var/log/portfw/access.log"));
    PortfwConfig defaults = ConfigLoader.parse("{ \"accessLog\": {}, \"listeners\": [], \"pools\": [] }", "test.json");
    assertThat(defaults.accessLog()).contains(new AccessLogConfig(AccessLogConfig.Format.PLAIN, "stdout"));
    assertThat(ConfigLoader.parse("{ \"listeners\": [], \"pools\": [] }", "t").accessLog()).isEmpty();
    assertThat(errorsOf("{ \"accessLog\": { \"format\": \"xml\", \"file\": \"x\" }, \"listeners\": [], \"pools\": [] }"))
        .containsExactly("accessLog.file: unknown key (known keys: format, output)",
            "accessLog.format: \"xml\" is not a log format (use \"plain\" or \"json\")");
  }

  @Test
  void parse_aclAndLimits_bindOrSayWhatIsWrong() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "p",
                           "acl": { "allow": ["10.0.0.0/8", "2001:db8::/32"], "deny": ["10.1.2.3"] },
                           "limits": { "maxConnections": 1000, "maxConnectionsPerSource": 10, "connectionRate": 20 } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """, "test.json");
    ListenerConfig web = config.listeners().get(0);
    assertThat(web.acl().permits(java.net.InetAddress.getByName("10.9.9.9"))).isTrue();
    assertThat(web.acl().permits(java.net.InetAddress.getByName("10.1.2.3"))).isFalse();
    assertThat(web.acl().permits(java.net.InetAddress.getByName("192.168.1.1"))).isFalse();
    assertThat(web.limits()).isEqualTo(new LimitsConfig(1000, 10, 20));

    assertThat(errorsOf("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "p",
                           "acl": { "allow": ["10.0.0.1/8", 7], "block": [] }, "limits": { "connectionRate": -1 } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """)).containsExactly(
        "listeners[0].acl.allow[0]: \"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)",
        "listeners[0].acl.allow[1]: must be a string such as \"10.0.0.0/8\", not a number",
        "listeners[0].acl.block: unknown key (known keys: allow, deny)",
        "listeners[0].limits.connectionRate: -1 is out of range 0-10000000");
  }

  @Test
  void parse_sendExpectProtocol_isCaseSensitive_andAnUnknownOneAddsNoUdpFollowOn() {
    assertThat(errorsOf("""
        { "listeners": [],
          "pools": [ { "name": "p", "health": { "type": "send-expect", "protocol": "UDP", "expect": "y" },
                       "backends": [ { "address": "127.0.0.1:53" } ] } ] }
        """)).containsExactly("pools[0].health.protocol: \"UDP\" is not a protocol (use \"tcp\" or \"udp\")");
  }

  @Test
  void parse_proxyProtocolAndRoutes_bindOrSayWhatIsWrong() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [ { "name": "tls", "listen": "0.0.0.0:443", "pool": "web",
                           "acceptProxyProtocol": { "trusted": ["10.0.0.5", "10.1.0.0/16"] },
                           "routes": [ { "serverName": "WWW.Example.com", "pool": "web" },
                                       { "serverName": "*.example.com", "pool": "other" } ], "notTls": "close" } ],
          "pools": [ { "name": "web", "proxyProtocol": "v2", "backends": [ { "address": "10.0.0.1:443" } ] },
                     { "name": "other", "backends": [ { "address": "10.0.0.2:443" } ] } ] }
        """, "test.json");
    ListenerConfig tls = config.listeners().get(0);
    assertThat(tls.acceptProxy().orElseThrow().trusts(java.net.InetAddress.getByName("10.1.2.3"))).isTrue();
    assertThat(tls.acceptProxy().orElseThrow().timeout()).isEqualTo(AcceptProxyConfig.DEFAULT_TIMEOUT);
    SniConfig sni = tls.sni().orElseThrow();
    assertThat(sni.poolFor("www.example.com")).contains("web");
    assertThat(sni.poolFor("mail.example.com")).contains("other");
    assertThat(sni.poolFor("example.com")).isEmpty();
    assertThat(sni.closeNotTls()).isTrue();
    assertThat(config.pool("web").orElseThrow().proxyProtocol()).contains(ProxyProtocol.V2);

    assertThat(errorsOf("""
        { "listeners": [ { "name": "tls", "listen": "0.0.0.0:443", "pool": "web", "sniTimeout": "1s",
                           "acceptProxyProtocol": { "timeout": "1s" } },
                         { "name": "b", "listen": "0.0.0.0:444", "pool": "web", "notTls": "drop",
                           "routes": [ { "serverName": "a b", "pool": "nope" } ] } ],
          "pools": [ { "name": "web", "proxyProtocol": "v3", "backends": [ { "address": "10.0.0.1:443" } ] } ] }
        """)).containsExactly(
        "listeners[0].acceptProxyProtocol.trusted: is required: the addresses of the load balancers allowed to send PROXY headers",
        "listeners[0].sniTimeout: applies only with \"routes\" (routing by TLS server name)",
        "listeners[1].routes[0].serverName: \"a b\" is not a server name (e.g. www.example.com, or *.example.com for every name under it)",
        "listeners[1].notTls: \"drop\" is not what to do with a client that is not TLS (use \"pool\" or \"close\")",
        "pools[0].proxyProtocol: \"v3\" is not a PROXY protocol version (use \"v1\" or \"v2\")",
        "listeners[1].routes[0].pool: no pool named \"nope\"");
  }

  @Test
  void parse_socketOptions_bindOrSayWhatIsWrong() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "p",
                           "socket": { "noDelay": false, "backlog": 4096, "receiveBuffer": 262144,
                                       "sendBuffer": 131072, "keepAlive": true } },
                         { "name": "plain", "listen": "0.0.0.0:81", "pool": "p" },
                         { "name": "dns", "protocol": "udp", "listen": "0.0.0.0:53", "pool": "p",
                           "socket": { "receiveBuffer": 8388608 } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """, "test.json");
    assertThat(config.listeners().get(0).socket()).isEqualTo(new SocketConfig(false, 4096, 262144, 131072, true));
    assertThat(config.listeners().get(1).socket()).isEqualTo(SocketConfig.DEFAULT);
    assertThat(config.listeners().get(2).socket().receiveBuffer()).isEqualTo(8388608);

    assertThat(errorsOf("""
        { "listeners": [ { "name": "web", "listen": "0.0.0.0:80", "pool": "p",
                           "socket": { "noDelay": "yes", "backlog": -1, "receiveBuffer": 2147483647, "linger": 0 } },
                         { "name": "dns", "protocol": "udp", "listen": "0.0.0.0:53", "pool": "p",
                           "socket": { "backlog": 10 } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "10.0.0.1:80" } ] } ] }
        """)).containsExactly(
        "listeners[0].socket.noDelay: must be true or false, not a string",
        "listeners[0].socket.backlog: -1 is out of range 0-1048576",
        "listeners[0].socket.receiveBuffer: 2147483647 is out of range 0-1073741824",
        "listeners[0].socket.linger: unknown key (known keys: noDelay, backlog, receiveBuffer, sendBuffer, keepAlive)",
        "listeners[1].socket.backlog: applies to tcp listeners only");
  }

  @Test
  void parse_dns_bindsServersAndTtls_orSaysWhatIsWrong() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "dns": { "servers": ["10.0.0.2", "[2001:db8::53]:5353"], "minTtl": "5s", "maxTtl": "10m", "timeout": "1s" },
          "listeners": [], "pools": [] }
        """, "test.json");
    assertThat(config.dns().servers()).containsExactly(new BackendAddress("10.0.0.2", 53), new BackendAddress("2001:db8::53", 5353));
    assertThat(config.dns().minTtl()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(ConfigLoader.parse("{ \"listeners\": [], \"pools\": [] }", "t").dns()).isEqualTo(DnsConfig.DEFAULT);

    assertThat(errorsOf("""
        { "dns": { "servers": ["ns1.example.com", 53], "minTtl": "1m", "maxTtl": "30s", "retries": 3 },
          "listeners": [], "pools": [] }
        """)).containsExactly(
        "dns.servers[0]: \"ns1.example.com\" is not an IP address: a DNS server is given by its address",
        "dns.servers[1]: must be a string such as \"10.0.0.2\" or \"10.0.0.2:53\", not a number",
        "dns.retries: unknown key (known keys: servers, minTtl, maxTtl, timeout)",
        "dns.minTtl: must not be longer than maxTtl");
  }

  @Test
  void parse_preconnect_bindsOrSaysWhatIsWrong() throws Exception {
    PortfwConfig config = ConfigLoader.parse("""
        { "listeners": [],
          "pools": [ { "name": "p", "preconnect": { "connections": 8, "maxIdle": "30s" },
                       "backends": [ { "address": "10.0.0.1:80" } ] },
                     { "name": "q", "preconnect": { "connections": 2 }, "backends": [ { "address": "10.0.0.2:80" } ] } ] }
        """, "test.json");
    assertThat(config.pools().get(0).preconnect()).contains(new PreconnectConfig(8, java.time.Duration.ofSeconds(30)));
    assertThat(config.pools().get(1).preconnect().orElseThrow().maxIdle()).isEqualTo(PreconnectConfig.DEFAULT_MAX_IDLE);

    assertThat(errorsOf("""
        { "listeners": [],
          "pools": [ { "name": "p", "preconnect": { "connections": 0, "maxIdle": "0s", "ttl": 1 },
                       "backends": [ { "address": "10.0.0.1:80" } ] },
                     { "name": "q", "preconnect": {}, "backends": [ { "address": "10.0.0.2" } ] } ] }
        """)).containsExactly(
        "pools[0].preconnect.connections: 0 is out of range 1-10000",
        "pools[0].preconnect.maxIdle: must be longer than 0",
        "pools[0].preconnect.ttl: unknown key (known keys: connections, maxIdle)",
        "pools[1].preconnect.connections: is required: how many idle connections to keep open to each backend",
        "pools[1].preconnect: backend 10.0.0.2 has no port of its own (it takes the client's), "
            + "so no connection can be made before a client comes");
  }

  @Test
  void statusCodes_parseListsAndRangesAndRefuseTheRest() {
    assertThat(StatusCodes.parse("200-399").orElseThrow().matches(399)).isTrue();
    assertThat(StatusCodes.parse(" 204 , 301-302").orElseThrow().toString()).isEqualTo("204,301-302");
    for (String bad : List.of("", "2xx", "399-200", "99", "600", "200-", "200-300-400", "200,,204")) {
      assertThat(StatusCodes.parse(bad)).as(bad).isEmpty();
    }
  }

  private static List<String> errorsOf(String json) {
    try {
      ConfigLoader.parse(json, "test.json");
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
    throw new AssertionError("expected the config to be refused");
  }
}
