package io.portfw.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.Optional;

/** Healthy when a TCP connection opens (with {@code tls}: and its handshake completes); it is closed again at once. */
final class TcpProbe implements Probe {

  private final Vertx vertx;
  private final NetClient client;
  private final int timeoutMillis;
  private final Optional<ProbeTls> tls;

  TcpProbe(Vertx vertx, NetClient client, int timeoutMillis, Optional<ProbeTls> tls) {
    this.vertx = vertx;
    this.client = client;
    this.timeoutMillis = timeoutMillis;
    this.tls = tls;
  }

  @Override
  public Future<String> check(String host, int port) {
    return check(host, host, port);
  }

  /** The deadline covers name resolution and a TLS handshake too, which the connect timeout does not. */
  @Override
  public Future<String> check(String address, String host, int port) {
    Attempt attempt = new Attempt(vertx, timeoutMillis, () -> tls.isPresent() ? " connecting over TLS" : " connecting");
    client.connect(Connects.to(address, host, port, timeoutMillis, tls)).onComplete(connected -> {
      if (connected.failed()) {
        attempt.fail(connected.cause());
      } else {
        connected.result().close();
        attempt.pass(tls.isPresent() ? "connected over TLS" : "connected");
      }
    });
    return attempt.future();
  }
}
