package io.portfw.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the top-level sections that are neither listeners nor pools: {@code admin}, {@code accessLog}, {@code dns},
 * {@code logging}.
 */
final class TopLevelSections {

  private static final Words<AccessLogConfig.Format> LOG_FORMATS = Words.of("a log format", AccessLogConfig.Format.class);
  private static final Words<LoggingConfig.Level> LEVELS = Words.of("a log level", LoggingConfig.Level.class).ignoringCase();
  private static final Words<LoggingConfig.Format> LOGGING_FORMATS =
      Words.of("a log format", LoggingConfig.Format.class);

  private final Problems problems;
  private final AddressParser addresses;

  private final TlsSection tlsSection;

  TopLevelSections(Problems problems, AddressParser addresses, Path base) {
    this.tlsSection = new TlsSection(problems, base);
    this.problems = problems;
    this.addresses = addresses;
  }

  AdminConfig admin(JsonObjectReader r) {
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
    if (token.isEmpty() && !Hosts.isLoopback(listen.host())) {
      problems.add(r.pathOf("listen"), listen + " is not a loopback address, so admin.token must be set");
    }
    // HTTPS with the same settings as a listener's tls (certificates, protocols, client certificates).
    Optional<TlsConfig> tls = tlsSection.read(r, Protocol.TCP);
    r.rejectUnknownKeys();
    return new AdminConfig(listen, token, tls);
  }

  Optional<AccessLogConfig> accessLog(JsonObjectReader r) {
    String format = r.string("format", false).orElse("plain");
    String output = r.string("output", false).orElse("stdout");
    r.rejectUnknownKeys();
    Optional<AccessLogConfig.Format> f = LOG_FORMATS.read(format, r.pathOf("format"), problems);
    if (output.isBlank()) {
      problems.add(r.pathOf("output"), "must be stdout, stderr, a file path or " + SyslogTarget.SHAPES);
      return Optional.empty();
    }
    if (SyslogTarget.isSyslog(output)) {
      try {
        SyslogTarget.parse(output);
      } catch (IllegalArgumentException e) {
        problems.add(r.pathOf("output"), e.getMessage());
        return Optional.empty();
      }
    }
    return f.map(known -> new AccessLogConfig(known, output));
  }

  LoggingConfig logging(JsonObjectReader r) {
    LoggingConfig d = LoggingConfig.DEFAULT;
    Optional<LoggingConfig.Level> level = r.string("level", false)
        .map(word -> LEVELS.read(word, r.pathOf("level"), problems)).orElse(Optional.of(d.level()));
    Optional<LoggingConfig.Format> format = r.string("format", false)
        .map(word -> LOGGING_FORMATS.read(word, r.pathOf("format"), problems)).orElse(Optional.of(d.format()));
    r.rejectUnknownKeys();
    return new LoggingConfig(level.orElse(d.level()), format.orElse(d.format()));
  }

  DnsConfig dns(JsonObjectReader r) {
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

}
