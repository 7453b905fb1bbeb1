package io.portfw.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a pool's {@code health} block (active checks, with the keys of its probe type) and its
 * {@code outlier} block (ejection on failing live traffic).
 */
final class HealthSection {

  /** Whether a new backend starts down (true) or up until its checks say otherwise. */
  private static final Words<Boolean> INITIAL = Words.of("a state a new backend can start in", Words.Listing.QUOTED,
      Map.entry("up", false), Map.entry("down", true));
  /** The transport of a send-expect probe; unlike a listener's protocol, matched case-sensitively as always. */
  private static final Words<Protocol> TRANSPORTS = Words.of("a protocol", Protocol.class);

  /** Reads the keys of one probe type. */
  private interface ProbeKeys {
    Optional<ProbeConfig> read(JsonObjectReader r);
  }

  private final Problems problems;
  private final Words<ProbeKeys> probeTypes;

  HealthSection(Problems problems) {
    this.problems = problems;
    this.probeTypes = Words.of("a health check type", Words.Listing.PLAIN,
        Map.entry("tcp", r -> Optional.of(new ProbeConfig.Tcp())),
        Map.entry("http", this::httpProbe),
        Map.entry("send-expect", this::sendExpectProbe));
  }

  Optional<HealthConfig> health(JsonObjectReader r) {
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
    boolean startDown = INITIAL.read(initial, r.pathOf("initial"), problems).orElse(false);
    // Over TLS with the pool's settings: filled in by the pool, which knows them.
    boolean tls = r.bool("tls", false);
    if (tls && probe.filter(p -> p instanceof ProbeConfig.SendExpect se && se.protocol() == Protocol.UDP).isPresent()) {
      problems.add(r.pathOf("tls"), "applies to tcp, http and tcp send-expect checks (DTLS is not supported)");
    }
    r.rejectUnknownKeys();
    return probe.map(p -> new HealthConfig(p, interval, timeout, rise, fall, port, startDown,
        tls ? Optional.of(BackendTlsConfig.SYSTEM_DEFAULTS) : Optional.empty()));
  }

  Optional<OutlierConfig> outlier(JsonObjectReader r) {
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

  /** The keys of one probe type; any other type's keys are named as such, not as unknown. */
  private Optional<ProbeConfig> probe(String type, JsonObjectReader r) {
    Optional<ProbeConfig> probe = probeTypes.read(type, r.pathOf("type"), problems).flatMap(keys -> keys.read(r));
    if (!type.equals("http")) {
      r.misplaced("applies to \"type\": \"http\" only", "path", "host", "expectStatus", "expectBody");
    }
    if (!type.equals("send-expect")) {
      r.misplaced("applies to \"type\": \"send-expect\" only", "send", "expect", "protocol");
    }
    return probe;
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
    Protocol protocol = TRANSPORTS.read(transport, r.pathOf("protocol"), problems).orElse(Protocol.TCP);
    Optional<String> expect = r.string("expect", true);
    if (expect.isPresent()) {
      try {
        Pattern.compile(expect.get());
      } catch (PatternSyntaxException e) {
        problems.add(r.pathOf("expect"), "is not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
        return Optional.empty();
      }
    }
    if (protocol == Protocol.UDP && send.isEmpty()) {
      problems.add(r.pathOf("send"), "is required over udp: an empty datagram cannot be sent");
    }
    return expect.map(e -> new ProbeConfig.SendExpect(send, e, protocol));
  }
}
