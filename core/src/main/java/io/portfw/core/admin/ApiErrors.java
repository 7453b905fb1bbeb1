package io.portfw.core.admin;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Every admin API error is a JSON object saying what was wrong: {@code {"status": 404, "error": "..."}}. */
final class ApiErrors {

  private ApiErrors() {}

  static void send(RoutingContext ctx, int status, String message) {
    send(ctx.response(), status, message);
  }

  static void send(HttpServerResponse response, int status, String message) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", status).put("error", message).encode());
  }
}
