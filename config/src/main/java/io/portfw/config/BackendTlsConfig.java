package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * TLS toward a pool's backends (re-encryption): how their certificates are verified, the server
 * name sent, the ALPN protocols offered and the client certificate presented.
 *
 * @param verify false accepts any certificate (logged at start): for a backend with a self-made one, on a trusted network
 * @param ca the CA bundle backend certificates must chain to; empty for the system's trust store
 * @param serverName sent as SNI and checked against the certificate; empty for each backend's own host name
 * @param cert a client certificate chain to present, with its {@code key}
 */
public record BackendTlsConfig(boolean verify, Optional<Path> ca, Optional<String> serverName, List<String> alpn,
    List<String> protocols, Optional<Path> cert, Optional<Path> key, Optional<String> password) {

  /** Verified against the system's trust store for each backend's own name: what a check over TLS uses without pool settings. */
  public static final BackendTlsConfig SYSTEM_DEFAULTS = new BackendTlsConfig(true, Optional.empty(), Optional.empty(),
      List.of(), TlsConfig.DEFAULT_PROTOCOLS, Optional.empty(), Optional.empty(), Optional.empty());

  public BackendTlsConfig {
    requireNonNull(ca, "ca");
    requireNonNull(serverName, "serverName");
    alpn = List.copyOf(alpn);
    protocols = List.copyOf(protocols);
    requireNonNull(cert, "cert");
    requireNonNull(key, "key");
    requireNonNull(password, "password");
  }

  /** Every file it reads. */
  public List<Path> files() {
    return Stream.of(ca, cert, key).flatMap(Optional::stream).toList();
  }
}
