package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * TLS terminated on a TCP listener: the certificates it presents (chosen by the server name the
 * client asks for), the protocols, ciphers and ALPN protocols it offers, and whether it asks for
 * a client certificate.
 *
 * @param ciphers empty for the provider's defaults (forward-secret AEAD suites only)
 * @param clientCa the CA bundle client certificates are verified against; set when {@code clientAuth} is not none
 * @param handshakeTimeout how long a client may take to finish its handshake
 */
public record TlsConfig(List<Certificate> certificates, List<String> protocols, List<String> ciphers, List<String> alpn,
    ClientAuth clientAuth, Optional<Path> clientCa, Duration handshakeTimeout) {

  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** Whether a client must, may or need not present a certificate. */
  public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

  /**
   * One certificate chain and its private key, in PEM files.
   *
   * @param names the server names it serves; empty to take them from the certificate itself
   * @param isDefault presented to clients that send no server name or one no certificate has
   */
  public record Certificate(Path cert, Path key, Optional<String> password, List<String> names, boolean isDefault) {
    public Certificate {
      requireNonNull(cert, "cert");
      requireNonNull(key, "key");
      requireNonNull(password, "password");
      names = List.copyOf(names);
    }
  }

  public TlsConfig {
    certificates = List.copyOf(certificates);
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
    alpn = List.copyOf(alpn);
    requireNonNull(clientAuth, "clientAuth");
    requireNonNull(clientCa, "clientCa");
    requireNonNull(handshakeTimeout, "handshakeTimeout");
  }

  /** The certificate for clients without a (known) server name: the one marked default, else the first. */
  public Certificate defaultCertificate() {
    return certificates.stream().filter(Certificate::isDefault).findFirst().orElse(certificates.get(0));
  }

  /** Every file it reads, for the watcher that reloads them when they change on disk. */
  public List<Path> files() {
    List<Path> files = new java.util.ArrayList<>();
    certificates.forEach(c -> {
      files.add(c.cert());
      files.add(c.key());
    });
    clientCa.ifPresent(files::add);
    return List.copyOf(files);
  }
}
