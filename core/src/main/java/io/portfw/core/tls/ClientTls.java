package io.portfw.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.portfw.config.BackendTlsConfig;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS toward a pool's backends, loaded and checked from its {@code tls} config: the client
 * context (trusted CAs, or the system's; a client certificate when configured) and, per
 * connection, a handler that sends the server name and checks the backend's certificate for it.
 */
public final class ClientTls {

  private final BackendTlsConfig config;
  private final SslContext context;

  private ClientTls(BackendTlsConfig config, SslContext context) {
    this.config = config;
    this.context = context;
  }

  public static ClientTls load(BackendTlsConfig config) throws TlsFileException {
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(TlsProvider.provider())
        .protocols(config.protocols());
    if (!config.verify()) {
      builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (config.ca().isPresent()) {
      builder.trustManager(PemFiles.certificates(config.ca().get()));
    }
    if (config.cert().isPresent() && config.key().isPresent()) {
      List<X509Certificate> chain = PemFiles.certificates(config.cert().get());
      PrivateKey key = PemFiles.privateKey(config.key().get(), config.password());
      PemFiles.checkPair(config.key().get(), key, config.cert().get(), chain.get(0));
      builder.keyManager(key, chain);
    }
    if (!config.alpn().isEmpty()) {
      builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, config.alpn()));
    }
    try {
      return new ClientTls(config, builder.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsFileException(config.cert().or(config::ca).orElse(Path.of("(tls)")),
          "cannot be used for TLS: " + e.getMessage());
    }
  }

  public BackendTlsConfig config() {
    return config;
  }

  /**
   * A handler for a connection to {@code host} (the backend's name or address as configured):
   * it sends the configured server name, else the host when it is a name, and with {@code verify}
   * checks the certificate is for that name (or address).
   */
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port, long handshakeTimeoutMillis) {
    String name = config.serverName().orElse(host);
    SslHandler handler = context.newHandler(alloc, name, port);
    if (config.verify()) {
      SSLEngine engine = handler.engine();
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
    handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    return handler;
  }
}
