package io.portfw.core.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The admin API's OpenAPI description ({@code docs/openapi.yaml}, copied into the jar at build
 * time), served at {@code /api/v1/openapi.yaml} so a client generator can read it from the
 * running process; {@code OpenApiIT} keeps it and the routes in step.
 */
final class OpenApiDocument {

  static final String RESOURCE = "/io/portfw/core/admin/openapi.yaml";
  private final Buffer text;

  private OpenApiDocument(Buffer text) {
    this.text = text;
  }

  static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the API description " + RESOURCE + " is missing from the jar");
      }
      return new OpenApiDocument(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void serve(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(text);
  }
}
