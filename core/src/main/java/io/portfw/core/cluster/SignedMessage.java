package io.portfw.core.cluster;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A portfw message on the clustered event bus: its body as text and the secret's tag of it. The
 * event bus port takes frames from anyone who can reach it; a body whose tag does not match was not
 * sent by a member that knows the secret and is dropped.
 */
final class SignedMessage {

  private SignedMessage() {}

  static JsonObject seal(ClusterSecret secret, JsonObject body) {
    String text = body.encode();
    return new JsonObject().put("body", text).put("tag", secret.tag(text));
  }

  /** The body, or empty when the message is not one of ours or its tag is wrong. */
  static Optional<JsonObject> open(ClusterSecret secret, Object message) {
    if (!(message instanceof JsonObject sealed)) {
      return Optional.empty();
    }
    Object body = sealed.getValue("body");
    Object tag = sealed.getValue("tag");
    if (!(body instanceof String text) || !(tag instanceof String t) || !secret.verify(text, t)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new JsonObject(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
