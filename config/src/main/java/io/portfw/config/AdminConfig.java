package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The admin endpoint: where it listens (loopback by default) and the bearer token
 * every request must carry when one is set.
 */
public record AdminConfig(ListenAddress listen, Optional<String> token, Optional<TlsConfig> tls) {

  public static final AdminConfig DEFAULT =
      new AdminConfig(ListenAddress.of("127.0.0.1", 9900), Optional.empty());

  public AdminConfig {
    requireNonNull(listen, "listen");
    requireNonNull(token, "token");
    requireNonNull(tls, "tls");
  }

  public AdminConfig(ListenAddress listen, Optional<String> token) {
    this(listen, token, Optional.empty());
  }
}
