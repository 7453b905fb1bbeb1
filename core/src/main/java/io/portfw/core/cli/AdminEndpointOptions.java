package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.config.Hosts;
import io.portfw.config.ListenAddress;
import io.portfw.config.PortfwConfig;
import io.portfw.core.tls.PemFiles;
import io.portfw.core.tls.TlsFileException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * Which running portfw a command talks to: {@code --admin URL}, else the admin address of
 * {@code --config FILE}, else {@code http://127.0.0.1:9900}; the token from {@code --token}, else
 * {@code PORTFW_ADMIN_TOKEN}, else the config file's {@code admin.token}.
 */
final class AdminEndpointOptions {

  static final String TOKEN_VARIABLE = "PORTFW_ADMIN_TOKEN";
  static final String DEFAULT_URL = "http://127.0.0.1:9900";

  @Option(names = "--admin", paramLabel = "URL", description = "the admin endpoint, e.g. http://127.0.0.1:9900")
  String admin;

  @Option(names = "--token", paramLabel = "TOKEN", description = "the admin token (default: $" + TOKEN_VARIABLE + ")")
  String token;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "for an https admin endpoint: the PEM CA bundle its certificate chains to (default: the system's)")
  Path cacert;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "take the admin address (and token) from this config file")
  Path config;

  /** Resolves the endpoint; fails with a message for the operator when the options do not make one. */
  AdminClient client() throws ConfigException {
    Optional<PortfwConfig> file = Optional.empty();
    if (config != null) {
      file = Optional.of(ConfigLoader.load(config));
    }
    String base = admin != null ? admin
        : file.map(f -> url(f.admin().listen(), f.admin().tls().isPresent())).orElse(DEFAULT_URL);
    if (!base.contains("://")) {
      base = "http://" + base; // --admin 127.0.0.1:9900 means what it says
    }
    URI uri;
    try {
      uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--admin: \"" + base + "\" is not an http://HOST:PORT address");
    }
    boolean https = "https".equals(uri.getScheme());
    if (!("http".equals(uri.getScheme()) || https) || uri.getHost() == null
        || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("--admin: \"" + base + "\" is not an http://HOST:PORT address (or https://HOST:PORT)");
    }
    String fromEnvironment = System.getenv(TOKEN_VARIABLE);
    String t = token != null ? token : fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment;
    if (t == null) {
      t = file.flatMap(f -> f.admin().token()).orElse(null);
    }
    return new AdminClient(uri, Optional.ofNullable(t), https && cacert != null ? Optional.of(trusting(cacert))
        : Optional.empty());
  }

  /** A TLS context that trusts the certificates of {@code bundle}, for an admin endpoint with a certificate of its own CA. */
  private static SSLContext trusting(Path bundle) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (X509Certificate c : PemFiles.certificates(bundle)) {
        store.setCertificateEntry("ca" + n++, c);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (TlsFileException e) {
      throw new IllegalArgumentException("--cacert: " + e.getMessage());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("--cacert: " + bundle + ": " + e.getMessage());
    }
  }

  /** A wildcard listen address is reached on loopback. */
  private static String url(ListenAddress listen, boolean https) {
    String host = switch (listen.host()) {
      case "0.0.0.0", "" -> "127.0.0.1";
      case "::" -> "[::1]";
      default -> Hosts.bracketed(listen.host());
    };
    return (https ? "https://" : "http://") + host + ":" + listen.firstPort();
  }
}
