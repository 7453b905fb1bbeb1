package io.portfw.core.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.portfw.config.TlsConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * What a listener terminating TLS presents, loaded and checked from its {@code tls} config: one
 * server context per certificate, chosen by the server name the client asks for (exact names,
 * then {@code *.} wildcards), the default one for no name or an unknown one. Immutable: a reload,
 * or a certificate file changed on disk, builds a new one, and connections keep the one they began with.
 */
public final class ServerTls {

  private final TlsConfig config;
  private final List<ServedCertificate> certificates;
  private final Mapping<String, SslContext> byName;
  private final String fingerprint;

  private ServerTls(TlsConfig config, List<ServedCertificate> certificates, Mapping<String, SslContext> byName,
      String fingerprint) {
    this.config = config;
    this.certificates = certificates;
    this.byName = byName;
    this.fingerprint = fingerprint;
  }

  /** Reads and checks every file the config names; the first problem found names its file and why. */
  public static ServerTls load(TlsConfig config) throws TlsFileException {
    return load(config, Instant.now());
  }

  static ServerTls load(TlsConfig config, Instant now) throws TlsFileException {
    List<X509Certificate> clientCas = config.clientCa().isPresent()
        ? PemFiles.certificates(config.clientCa().get()) : List.of();
    List<ServedCertificate> served = new ArrayList<>();
    for (TlsConfig.Certificate c : config.certificates()) {
      List<X509Certificate> chain = PemFiles.certificates(c.cert());
      X509Certificate leaf = chain.get(0);
      if (leaf.getNotAfter().toInstant().isBefore(now)) {
        throw new TlsFileException(c.cert(), "the certificate expired on " + date(leaf.getNotAfter().toInstant()));
      }
      if (leaf.getNotBefore().toInstant().isAfter(now)) {
        throw new TlsFileException(c.cert(), "the certificate is not valid before " + date(leaf.getNotBefore().toInstant()));
      }
      var key = PemFiles.privateKey(c.key(), c.password());
      PemFiles.checkPair(c.key(), key, c.cert(), leaf);
      List<String> names = c.names().isEmpty() ? CertificateNames.of(leaf) : c.names();
      served.add(new ServedCertificate(c.cert(), c.key(), chain, key, names, c.isDefault()));
    }
    if (served.stream().noneMatch(ServedCertificate::isDefault)) {
      ServedCertificate first = served.get(0); // none marked: the first is the default
      served.set(0, new ServedCertificate(first.certFile(), first.keyFile(), first.chain(), first.key(), first.names(), true));
    }
    ServedCertificate fallback = served.stream().filter(ServedCertificate::isDefault).findFirst().orElseThrow();
    SslContext defaultContext = context(config, fallback, clientCas);
    DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(defaultContext);
    for (ServedCertificate s : served) {
      SslContext context = s == fallback ? defaultContext : context(config, s, clientCas);
      for (String name : s.names()) {
        mapping.add(name, context);
      }
    }
    return new ServerTls(config, List.copyOf(served), mapping.build(), fingerprint(served, clientCas));
  }

  /** A digest of every certificate and key it holds: a reload with the same material changes nothing. */
  private static String fingerprint(List<ServedCertificate> served, List<X509Certificate> clientCas)
      throws TlsFileException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (ServedCertificate s : served) {
        for (X509Certificate c : s.chain()) {
          digest.update(c.getEncoded());
        }
        digest.update(s.key().getEncoded());
      }
      for (X509Certificate c : clientCas) {
        digest.update(c.getEncoded());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new TlsFileException(served.get(0).certFile(), "cannot be read back: " + e.getMessage());
    }
  }

  /** Changes when any certificate or key it was loaded with does. */
  public String fingerprint() {
    return fingerprint;
  }

  private static SslContext context(TlsConfig config, ServedCertificate certificate, List<X509Certificate> clientCas)
      throws TlsFileException {
    try {
      SslContextBuilder builder = SslContextBuilder.forServer(certificate.key(), certificate.chain())
          .sslProvider(TlsProvider.provider())
          .protocols(config.protocols())
          .ciphers(config.ciphers().isEmpty() ? null : config.ciphers(), SupportedCipherSuiteFilter.INSTANCE)
          .clientAuth(switch (config.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
          });
      if (!clientCas.isEmpty()) {
        builder.trustManager(clientCas);
      }
      if (!config.alpn().isEmpty()) {
        builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, config.alpn()));
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsFileException(certificate.certFile(), "cannot be used for TLS: " + e.getMessage());
    }
  }

  /** A handler that reads the ClientHello, picks the certificate by its server name and does the handshake. */
  public SniHandler newHandler() {
    return new SniHandler(byName, config.handshakeTimeout().toMillis());
  }

  public TlsConfig config() {
    return config;
  }

  public List<ServedCertificate> certificates() {
    return certificates;
  }

  /** The certificate presented to a client asking for {@code serverName} (null: no name). */
  public Optional<ServedCertificate> certificateFor(String serverName) {
    // Same choice as the handler's mapping: exact, then the longest wildcard, then the default.
    return Optional.of(certificates.stream()
        .filter(c -> serverName != null && c.names().contains(serverName))
        .findFirst()
        .or(() -> certificates.stream().filter(c -> serverName != null && c.names().stream()
            .anyMatch(n -> n.startsWith("*.") && serverName.endsWith(n.substring(1)))).findFirst())
        .orElse(certificates.stream().filter(ServedCertificate::isDefault).findFirst().orElse(certificates.get(0))));
  }

  private static String date(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at);
  }
}
