package io.portfw.core.admin;

import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}. Both sides are hashed
 * before the constant-time comparison, so neither the content nor the length of the token
 * leaks through timing.
 */
final class BearerAuth {

  private static final String PREFIX = "Bearer ";
  private final byte[] expected;

  BearerAuth(String token) {
    this.expected = sha256(token);
  }

  /** Whether the request carries the token; when not, it has been answered with 401 and why. */
  boolean allows(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      request.response().putHeader("WWW-Authenticate", "Bearer");
      ApiErrors.send(request.response(), 401, "missing Authorization: Bearer <token> header");
      return false;
    }
    if (!MessageDigest.isEqual(expected, sha256(header.substring(PREFIX.length()).strip()))) {
      request.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      ApiErrors.send(request.response(), 401, "wrong token");
      return false;
    }
    return true;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
