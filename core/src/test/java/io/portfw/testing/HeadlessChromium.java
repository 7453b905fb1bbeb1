package io.portfw.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the DevTools protocol, as a person would use a page:
 * load it, read what its script holds, click, take a screenshot. The browser listens for DevTools
 * on a loopback port it picks itself; every call waits a bounded time.
 */
public final class HeadlessChromium implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts Chromium on a blank page of {@code width} x {@code height} and connects to that page. */
  public static HeadlessChromium start(int width, int height) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("portfw-chromium");
    Process process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank")
        .redirectOutput(profile.resolve("stdout.txt").toFile()).redirectError(profile.resolve("stderr.txt").toFile())
        .start();
    try {
      // Chromium writes the port it picked into the profile once DevTools listens.
      Path portFile = profile.resolve("DevToolsActivePort");
      Eventually.holds(Duration.ofSeconds(30), () -> "chromium's DevTools port; stderr: " + read(profile, "stderr.txt"),
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError("chromium exited with " + process.exitValue() + ": " + read(profile, "stderr.txt"));
            }
            return Files.exists(portFile) && read(profile, "DevToolsActivePort").lines().count() >= 2;
          });
      int port = Integer.parseInt(read(profile, "DevToolsActivePort").lines().findFirst().orElseThrow().strip());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String pageSocket = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (pageSocket == null && System.nanoTime() < deadline) {
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        pageSocket = new io.vertx.core.json.JsonArray(list).stream().map(JsonObject.class::cast)
            .filter(t -> "page".equals(t.getString("type"))).map(t -> t.getString("webSocketDebuggerUrl"))
            .findFirst().orElse(null);
      }
      if (pageSocket == null) {
        throw new AssertionError("chromium shows no page to drive");
      }
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create(pageSocket), new Listener(self)).join();
      self[0] = new HeadlessChromium(process, profile, socket);
      return self[0];
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Loads {@code url} and waits until its load event. */
  public void open(String url) {
    call("Page.enable", new JsonObject());
    call("Page.navigate", new JsonObject().put("url", url));
    awaitTrue("document.readyState === 'complete'", Duration.ofSeconds(20));
  }

  /** Evaluates a script expression in the page (promises awaited) and returns its value as JSON. */
  public Object eval(String expression) {
    JsonObject result = call("Runtime.evaluate", new JsonObject().put("expression", expression)
        .put("awaitPromise", true).put("returnByValue", true));
    if (result.containsKey("exceptionDetails")) {
      throw new AssertionError("the page threw on " + expression + ": " + result.getJsonObject("exceptionDetails"));
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** Waits until the expression is true in the page, or fails with its last value. */
  public void awaitTrue(String expression, Duration within) {
    Eventually.holds(within, () -> expression + " (stderr: " + read(profile, "stderr.txt").lines().limit(5).toList() + ")",
        () -> Boolean.TRUE.equals(eval(expression)));
  }

  /** Saves what the page shows, its whole height, as a PNG. */
  public void screenshot(Path file) throws IOException {
    JsonObject shot = call("Page.captureScreenshot", new JsonObject().put("format", "png")
        .put("captureBeyondViewport", true));
    Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
  }

  private JsonObject call(String method, JsonObject params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    socket.sendText(new JsonObject().put("id", id).put("method", method).put("params", params).encode(), true).join();
    try {
      JsonObject reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (reply.containsKey("error")) {
        throw new AssertionError(method + " failed: " + reply.getJsonObject("error"));
      }
      return reply.getJsonObject("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new AssertionError("chromium did not answer " + method + " in " + CALL_TIMEOUT + ": " + e, e);
    } finally {
      waiting.remove(id);
    }
  }

  private static String read(Path profile, String name) {
    try {
      return Files.readString(profile.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.abort();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** Gathers each message (a screenshot arrives in parts) and hands answers to their callers; events are dropped. */
  private static final class Listener implements WebSocket.Listener {
    private final HeadlessChromium[] owner;
    private final StringBuilder message = new StringBuilder();

    Listener(HeadlessChromium[] owner) {
      this.owner = owner;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        JsonObject json = new JsonObject(message.toString());
        message.setLength(0);
        Integer id = json.getInteger("id");
        HeadlessChromium self = owner[0];
        if (id != null && self != null) {
          CompletableFuture<JsonObject> answer = self.waiting.get(id);
          if (answer != null) {
            answer.complete(json);
          }
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
