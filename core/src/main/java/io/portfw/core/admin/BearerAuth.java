package io.portfw.core.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}. Both sides are hashed
 * before the constant-time comparison, so neither the content nor the length of the token
 * leaks through timing.
 */
final class BearerAuth implements Handler<RoutingContext> {

  private static final String PREFIX = "Bearer ";
  private final byte[] expected;

  BearerAuth(String token) {
    this.expected = sha256(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ApiErrors.send(ctx, 401, "missing Authorization: Bearer <token> header");
      return;
    }
    if (!MessageDigest.isEqual(expected, sha256(header.substring(PREFIX.length()).strip()))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      ApiErrors.send(ctx, 401, "wrong token");
      return;
    }
    ctx.next();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
