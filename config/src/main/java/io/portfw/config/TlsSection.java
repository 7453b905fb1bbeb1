package io.portfw.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a listener's {@code tls} object: certificate files (relative paths are taken from the
 * config file's directory), protocols, ciphers, ALPN and client certificates. Whether the files
 * hold what they should is checked when they are loaded, not here: this reads the document only.
 */
final class TlsSection {

  private static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
  private static final Words<TlsConfig.ClientAuth> CLIENT_AUTH = Words.of("a client certificate mode",
      Words.Listing.QUOTED, Map.entry("none", TlsConfig.ClientAuth.NONE), Map.entry("optional", TlsConfig.ClientAuth.OPTIONAL),
      Map.entry("required", TlsConfig.ClientAuth.REQUIRED));

  private final Problems problems;
  private final Path base;

  TlsSection(Problems problems, Path base) {
    this.problems = problems;
    this.base = base;
  }

  /** A pool's TLS toward its backends; empty without a {@code tls} key. */
  Optional<BackendTlsConfig> readBackend(JsonObjectReader pool) {
    if (!pool.has("tls")) {
      return Optional.empty();
    }
    JsonObjectReader r = pool.object("tls");
    boolean verify = r.bool("verify", true);
    Optional<Path> ca = r.string("ca", false).map(base::resolve);
    Optional<String> serverName = r.string("serverName", false);
    serverName.filter(n -> !SniSection.SERVER_NAME.matcher(n).matches() || n.startsWith("*.")).ifPresent(n ->
        problems.add(r.pathOf("serverName"), "\"" + n + "\" is not a server name (e.g. backend.example.com)"));
    List<String> alpn = r.strings("alpn", List.of());
    List<String> protocols = protocols(r);
    Optional<Path> cert = r.string("cert", false).map(base::resolve);
    Optional<Path> key = r.string("key", false).map(base::resolve);
    Optional<String> password = r.string("password", false);
    if (cert.isPresent() != key.isPresent()) {
      problems.add(r.pathOf(cert.isPresent() ? "key" : "cert"), "is required with \""
          + (cert.isPresent() ? "cert" : "key") + "\" (a client certificate needs both)");
    }
    if (!verify && ca.isPresent()) {
      problems.add(r.pathOf("ca"), "has no use with \"verify\": false (nothing is verified)");
    }
    r.rejectUnknownKeys();
    return Optional.of(new BackendTlsConfig(verify, ca, serverName, alpn, protocols, cert, key, password));
  }

  private List<String> protocols(JsonObjectReader r) {
    List<String> protocols = r.strings("protocols", TlsConfig.DEFAULT_PROTOCOLS);
    for (String p : protocols) {
      if (!PROTOCOLS.contains(p)) {
        problems.add(r.pathOf("protocols"), "\"" + p + "\" is not a TLS protocol (use TLSv1.3, TLSv1.2)");
      }
    }
    if (protocols.isEmpty() && r.isArray("protocols")) {
      problems.add(r.pathOf("protocols"), "must list at least one protocol");
    }
    return protocols;
  }

  /** The listener's TLS termination; empty without a {@code tls} key. */
  Optional<TlsConfig> read(JsonObjectReader listener, Protocol protocol) {
    if (!listener.has("tls")) {
      return Optional.empty();
    }
    if (protocol == Protocol.UDP) {
      problems.add(listener.pathOf("tls"), "applies to tcp listeners only (DTLS is not supported)");
    }
    JsonObjectReader r = listener.object("tls");
    List<TlsConfig.Certificate> certificates = new ArrayList<>();
    List<JsonObjectReader.Element> listed = r.array("certificates", true);
    if (listed.isEmpty() && r.isArray("certificates")) {
      problems.add(r.pathOf("certificates"), "must list at least one certificate");
    }
    int defaults = 0;
    for (JsonObjectReader.Element e : listed) {
      JsonObjectReader c = new JsonObjectReader(e.node(), e.path(), problems);
      Optional<Path> cert = c.string("cert", true).map(base::resolve);
      Optional<Path> key = c.string("key", true).map(base::resolve);
      Optional<String> password = c.string("password", false);
      List<String> names = c.strings("names", List.of());
      for (String n : names) {
        if (!SniSection.SERVER_NAME.matcher(n).matches()) {
          problems.add(c.pathOf("names"), "\"" + n + "\" is not a server name (e.g. www.example.com or *.example.com)");
        }
      }
      boolean isDefault = c.bool("default", false);
      defaults += isDefault ? 1 : 0;
      c.rejectUnknownKeys();
      if (cert.isPresent() && key.isPresent()) {
        certificates.add(new TlsConfig.Certificate(cert.get(), key.get(), password, names, isDefault));
      }
    }
    if (defaults > 1) {
      problems.add(r.pathOf("certificates"), "more than one certificate is marked \"default\": true");
    }
    List<String> protocols = protocols(r);
    List<String> ciphers = r.strings("ciphers", List.of());
    List<String> alpn = r.strings("alpn", List.of());
    TlsConfig.ClientAuth clientAuth = CLIENT_AUTH.read(r.string("clientAuth", false).orElse("none"),
        r.pathOf("clientAuth"), problems).orElse(TlsConfig.ClientAuth.NONE);
    Optional<Path> clientCa = r.string("clientCa", false).map(base::resolve);
    if (clientAuth != TlsConfig.ClientAuth.NONE && clientCa.isEmpty()) {
      problems.add(r.pathOf("clientCa"), "is required with \"clientAuth\": \"" + clientAuth.name().toLowerCase(Locale.ROOT)
          + "\" (the CA bundle client certificates are verified against)");
    }
    Duration handshakeTimeout = r.duration("handshakeTimeout", TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
    r.rejectUnknownKeys();
    if (certificates.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TlsConfig(certificates, protocols, ciphers, alpn, clientAuth, clientCa, handshakeTimeout));
  }
}
