package io.portfw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Reproducible random payloads, streamed and checked by digest so even 256 MiB needs no big arrays. */
public final class Payloads {

  private static final int CHUNK = 64 * 1024;

  private Payloads() {}

  /** The payload of {@code size} bytes for {@code seed}, the same every time. */
  public static byte[] bytes(long seed, int size) {
    byte[] out = new byte[size];
    new SplittableRandom(seed).nextBytes(out);
    return out;
  }

  /** Writes {@code size} bytes of the seed's stream; returns its SHA-256. */
  public static String write(OutputStream out, long seed, long size) throws IOException {
    MessageDigest digest = sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[CHUNK];
    for (long left = size; left > 0; ) {
      int n = (int) Math.min(CHUNK, left);
      random.nextBytes(chunk);
      out.write(chunk, 0, n);
      digest.update(chunk, 0, n);
      left -= n;
    }
    out.flush();
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Reads to end of stream; returns the byte count and SHA-256 of what arrived. */
  public static Received readAll(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    byte[] chunk = new byte[CHUNK];
    long total = 0;
    for (int n; (n = in.read(chunk)) >= 0; ) {
      digest.update(chunk, 0, n);
      total += n;
    }
    return new Received(total, HexFormat.of().formatHex(digest.digest()));
  }

  public static String sha256(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a reader got: how many bytes and their digest. */
  public record Received(long bytes, String sha256) {}
}
