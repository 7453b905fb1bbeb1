package io.portfw.core.admin;

import io.netty.handler.ssl.OpenSsl;
import io.portfw.config.TlsConfig;
import io.portfw.core.tls.PemText;
import io.portfw.core.tls.ServerTls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.LinkedHashSet;

/**
 * HTTPS for the admin endpoint ({@code admin.tls}), with what a listener's {@code tls} takes:
 * the certificates checked and loaded as for a listener (encrypted keys opened), handed to
 * Vert.x's server as PEM in memory, chosen by server name when there are several.
 */
final class AdminTls {

  private AdminTls() {}

  static void apply(ServerTls tls, HttpServerOptions options) {
    PemKeyCertOptions keys = new PemKeyCertOptions();
    // The default certificate first: Vert.x presents the first to clients that send no known name.
    tls.certificates().stream().sorted((a, b) -> Boolean.compare(b.isDefault(), a.isDefault())).forEach(c -> keys
        .addCertValue(Buffer.buffer(PemText.certificates(c.chain())))
        .addKeyValue(Buffer.buffer(PemText.privateKey(c.key()))));
    TlsConfig config = tls.config();
    options.setSsl(true).setKeyCertOptions(keys).setSni(tls.certificates().size() > 1)
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(config.protocols()));
    config.ciphers().forEach(options::addEnabledCipherSuite);
    if (OpenSsl.isAvailable()) {
      options.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    if (config.clientAuth() != TlsConfig.ClientAuth.NONE) {
      options.setClientAuth(config.clientAuth() == TlsConfig.ClientAuth.REQUIRED ? ClientAuth.REQUIRED
          : ClientAuth.REQUEST);
      config.clientCa().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    }
  }
}
