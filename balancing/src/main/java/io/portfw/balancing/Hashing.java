package io.portfw.balancing;

import java.nio.charset.StandardCharsets;

/** 64-bit FNV-1a with a final avalanche (MurmurHash3's fmix64): fast, stable across runs and JVMs. */
final class Hashing {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hashing() {}

  static long hash(byte[] data, long seed) {
    long h = FNV_OFFSET ^ seed;
    for (byte b : data) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return mix(h);
  }

  static long hash(String text, long seed) {
    return hash(text.getBytes(StandardCharsets.UTF_8), seed);
  }

  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
