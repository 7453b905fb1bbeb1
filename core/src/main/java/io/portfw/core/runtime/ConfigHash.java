package io.portfw.core.runtime;

import io.portfw.config.PortfwConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short fingerprint of a config's meaning (SHA-256 of its records, first 16 hex digits):
 * the same for the same settings however the file is formatted, so operators can tell which
 * config runs.
 */
final class ConfigHash {

  private ConfigHash() {}

  static String of(PortfwConfig config) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(config.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
