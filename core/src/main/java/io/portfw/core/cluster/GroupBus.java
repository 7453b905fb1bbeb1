package io.portfw.core.cluster;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * The clustered event bus as the shared data-path state uses it: every body goes out sealed with the
 * secret's tag ({@link SignedMessage}), and only bodies with a right tag reach a handler. The bus port
 * takes frames from anyone who can reach it; without this a forged report could refuse a client
 * everywhere or eject every backend.
 */
final class GroupBus {

  private final Vertx vertx;
  private final ClusterSecret secret;

  GroupBus(Vertx vertx, ClusterSecret secret) {
    this.vertx = vertx;
    this.secret = secret;
  }

  void publish(String address, JsonObject body) {
    vertx.eventBus().publish(address, SignedMessage.seal(secret, body));
  }

  void send(String address, JsonObject body) {
    vertx.eventBus().send(address, SignedMessage.seal(secret, body));
  }

  /** Handles the bodies that carry the secret's tag; the others are dropped unread. */
  MessageConsumer<JsonObject> consumer(String address, Handler<JsonObject> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> SignedMessage.open(secret, m.body()).ifPresent(handler::handle));
  }
}
