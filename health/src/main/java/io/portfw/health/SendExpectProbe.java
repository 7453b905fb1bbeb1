package io.portfw.health;

import io.portfw.config.ProbeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Healthy when, after sending the configured bytes (or nothing), the backend's reply matches a
 * regular expression: the banner of an SMTP, FTP or SSH server, or the answer of a home-made
 * protocol. Bytes and characters are one to one (ISO-8859-1) both ways, so {@code \u00d2} in
 * {@code send} is the byte 0xD2 and {@code \xD2} in {@code expect} matches it.
 */
final class SendExpectProbe implements Probe {

  /** The reply is searched this far and no further. */
  static final int REPLY_LIMIT = 16 * 1024;
  /** How much of a wrong reply the log line quotes. */
  private static final int QUOTE = 60;

  private final Vertx vertx;
  private final NetClient client;
  private final Buffer send;
  private final Pattern expect;
  private final int timeoutMillis;
  private final Optional<ProbeTls> tls;

  SendExpectProbe(Vertx vertx, NetClient client, ProbeConfig.SendExpect config, int timeoutMillis,
      Optional<ProbeTls> tls) {
    this.tls = tls;
    this.vertx = vertx;
    this.client = client;
    this.send = Buffer.buffer(config.send().getBytes(StandardCharsets.ISO_8859_1));
    this.expect = Pattern.compile(config.expect());
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<String> check(String host, int port) {
    return check(host, host, port);
  }

  @Override
  public Future<String> check(String address, String host, int port) {
    Buffer reply = Buffer.buffer();
    Attempt attempt = new Attempt(vertx, timeoutMillis, () -> " waiting for a reply matching /" + expect + "/"
        + (reply.length() == 0 ? "" : ", got \"" + quote(reply.toString(StandardCharsets.ISO_8859_1)) + "\""));
    client.connect(Connects.to(address, host, port, timeoutMillis, tls)).onComplete(connected -> {
      if (connected.failed()) {
        attempt.fail(connected.cause());
        return;
      }
      NetSocket socket = connected.result();
      if (attempt.isDone()) { // the deadline passed while connecting
        socket.close();
        return;
      }
      attempt.onEnd(socket::close);
      socket.handler(chunk -> {
        if (attempt.isDone()) {
          return;
        }
        int room = REPLY_LIMIT - reply.length();
        reply.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
        String text = reply.toString(StandardCharsets.ISO_8859_1);
        var match = expect.matcher(text);
        if (match.find()) {
          attempt.pass("matched \"" + quote(match.group()) + "\"");
        } else if (reply.length() >= REPLY_LIMIT) {
          attempt.fail("no match for /" + expect + "/ in the first " + REPLY_LIMIT + " bytes");
        }
      });
      socket.closeHandler(closed -> attempt.fail(reply.length() == 0
          ? "closed without a reply"
          : "closed after \"" + quote(reply.toString(StandardCharsets.ISO_8859_1)) + "\", no match for /" + expect + "/"));
      socket.exceptionHandler(attempt::fail);
      if (send.length() > 0) {
        socket.write(send);
      }
    });
    return attempt.future();
  }

  private static String quote(String text) {
    String shown = text.length() > QUOTE ? text.substring(0, QUOTE) + "..." : text;
    return shown.replace("\r", "\\r").replace("\n", "\\n");
  }
}
