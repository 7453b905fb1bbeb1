package io.portfw.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;

/** Healthy when a TCP connection opens; it is closed again at once. */
final class TcpProbe implements Probe {

  private final Vertx vertx;
  private final NetClient client;
  private final int timeoutMillis;

  TcpProbe(Vertx vertx, NetClient client, int timeoutMillis) {
    this.vertx = vertx;
    this.client = client;
    this.timeoutMillis = timeoutMillis;
  }

  /** The deadline covers name resolution too, which the connect timeout does not. */
  @Override
  public Future<String> check(String host, int port) {
    Attempt attempt = new Attempt(vertx, timeoutMillis, () -> " connecting");
    client.connect(new ConnectOptions().setHost(host).setPort(port).setTimeout(timeoutMillis)).onComplete(connected -> {
      if (connected.failed()) {
        attempt.fail(connected.cause());
      } else {
        connected.result().close();
        attempt.pass("connected");
      }
    });
    return attempt.future();
  }
}
