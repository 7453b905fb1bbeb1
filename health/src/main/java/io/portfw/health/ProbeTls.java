package io.portfw.health;

import io.portfw.config.BackendTlsConfig;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * TLS for a check, from the pool's TLS settings: the same trust, server name, protocols and
 * client certificate as its connections, so a backend whose certificate the data path would
 * refuse fails its checks too, with the reason.
 */
record ProbeTls(ClientSSLOptions options, Optional<String> serverName) {

  static Optional<ProbeTls> of(Optional<BackendTlsConfig> settings) {
    return settings.map(ProbeTls::of);
  }

  static ProbeTls of(BackendTlsConfig tls) {
    ClientSSLOptions options = new ClientSSLOptions()
        .setTrustAll(!tls.verify())
        .setHostnameVerificationAlgorithm(tls.verify() ? "HTTPS" : "")
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(tls.protocols()));
    tls.ca().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    if (tls.cert().isPresent() && tls.key().isPresent()) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().get().toString())
          .setKeyPath(tls.key().get().toString()));
    }
    if (!tls.alpn().isEmpty()) {
      options.setUseAlpn(true).setApplicationLayerProtocols(tls.alpn());
    }
    return new ProbeTls(options, tls.serverName());
  }

  /** The name the backend's certificate must be for, and the SNI sent: the configured one, else the backend's host. */
  String nameFor(String host) {
    return serverName.orElse(host);
  }
}
