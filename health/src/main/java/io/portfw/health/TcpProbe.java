package io.portfw.health;

import io.vertx.core.Future;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;

/** Healthy when a TCP connection opens; it is closed again at once. */
final class TcpProbe implements Probe {

  private final NetClient client;
  private final int timeoutMillis;

  TcpProbe(NetClient client, int timeoutMillis) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<String> check(String host, int port) {
    ConnectOptions target = new ConnectOptions().setHost(host).setPort(port).setTimeout(timeoutMillis);
    return client.connect(target)
        .recover(cause -> Future.failedFuture(new ProbeFailure(Failures.describe(cause))))
        .compose(socket -> socket.close().transform(closed -> Future.succeededFuture("connected")));
  }
}
