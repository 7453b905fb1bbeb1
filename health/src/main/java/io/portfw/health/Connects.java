package io.portfw.health;

import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.SocketAddress;
import java.util.Optional;

/** How a TCP check connects: to the backend's address, and over TLS under its name (SNI and the certificate check). */
final class Connects {

  private Connects() {}

  static ConnectOptions to(String address, String host, int port, int timeoutMillis, Optional<ProbeTls> tls) {
    ConnectOptions options = new ConnectOptions().setTimeout(timeoutMillis);
    if (tls.isEmpty()) {
      return options.setHost(address).setPort(port);
    }
    String name = tls.get().nameFor(host);
    // The socket goes to the address; TLS speaks to the name.
    return options.setRemoteAddress(SocketAddress.inetSocketAddress(port, address)).setHost(name).setPort(port)
        .setSniServerName(name).setSsl(true).setSslOptions(tls.get().options());
  }
}
