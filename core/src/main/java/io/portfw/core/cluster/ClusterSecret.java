package io.portfw.core.cluster;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret as a key: HMAC-SHA256 tags that only a member knowing the secret can
 * make. Hazelcast open source has no member authentication, so the secret goes into the cluster name
 * (a joiner with another name is refused) and into a tag on every portfw message on the event bus.
 */
public final class ClusterSecret {

  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;

  public ClusterSecret(String secret) {
    requireNonNull(secret, "secret");
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The tag of {@code text}: 64 hex digits. */
  public String tag(String text) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM); // a Mac is not thread-safe: one per call, cheap next to a network hop
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Whether {@code tag} is this secret's tag of {@code text}, compared in constant time. */
  public boolean verify(String text, String tag) {
    return tag != null && MessageDigest.isEqual(tag(text).getBytes(StandardCharsets.US_ASCII),
        tag.getBytes(StandardCharsets.US_ASCII));
  }
}
