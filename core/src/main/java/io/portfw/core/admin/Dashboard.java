package io.portfw.core.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The live status page: one self-contained HTML file in the jar, read once, served as it is. */
final class Dashboard {

  static final String RESOURCE = "/io/portfw/core/admin/dashboard.html";
  private final Buffer page;

  private Dashboard(Buffer page) {
    this.page = page;
  }

  static Dashboard load() {
    try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard page " + RESOURCE + " is missing from the jar");
      }
      return new Dashboard(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void serve(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self' 'unsafe-inline'; img-src 'self' data:")
        .end(page);
  }
}
