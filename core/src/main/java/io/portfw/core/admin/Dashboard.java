package io.portfw.core.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The live status page and what it loads: its script and style, and uPlot (the charts) from its
 * webjar. Every file is read from the jar once and served as it is; none holds data, so they are
 * served without the token (a {@code <script src>} cannot send one), and the page's script asks
 * the API, with the token, for everything it shows.
 */
final class Dashboard {

  static final String RESOURCE = "/io/portfw/core/admin/dashboard.html";
  static final String ASSETS = "/assets/";
  private static final String OWN = "/io/portfw/core/admin/";
  private static final String UPLOT_VERSION = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

  /** A file served under {@code /assets/}. */
  record Asset(Buffer content, String type) {}

  private final Buffer page;
  private final Map<String, Asset> assets;

  private Dashboard(Buffer page, Map<String, Asset> assets) {
    this.page = page;
    this.assets = assets;
  }

  static Dashboard load() {
    Map<String, Asset> assets = new LinkedHashMap<>();
    assets.put("dashboard.js", new Asset(read(OWN + "dashboard.js"), "text/javascript; charset=utf-8"));
    assets.put("dashboard.css", new Asset(read(OWN + "dashboard.css"), "text/css; charset=utf-8"));
    String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    assets.put("uplot/uPlot.iife.min.js", new Asset(read(uplot + "uPlot.iife.min.js"), "text/javascript; charset=utf-8"));
    assets.put("uplot/uPlot.min.css", new Asset(read(uplot + "uPlot.min.css"), "text/css; charset=utf-8"));
    return new Dashboard(read(RESOURCE), Map.copyOf(assets));
  }

  void serve(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; img-src 'self' data:")
        .end(page);
  }

  /** {@code GET /assets/*}: one of the files above, or a 404. */
  void serveAsset(RoutingContext ctx) {
    Asset asset = assets.get(ctx.request().path().substring(ASSETS.length()));
    if (asset == null) {
      ApiErrors.send(ctx, 404, "no such asset: " + ctx.request().path());
      return;
    }
    ctx.response().putHeader("Content-Type", asset.type()).putHeader("Cache-Control", "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff").end(asset.content());
  }

  /** The version the uPlot webjar on the class path files its content under. */
  private static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in = Dashboard.class.getResourceAsStream(UPLOT_VERSION)) {
      if (in == null) {
        throw new IllegalStateException("uPlot (" + UPLOT_VERSION + ") is missing from the jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static Buffer read(String resource) {
    try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard file " + resource + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
