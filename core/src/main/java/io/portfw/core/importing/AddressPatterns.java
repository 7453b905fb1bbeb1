package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * rinetd's {@code allow}/{@code deny} patterns ({@code 192.168.1.*}, {@code 10.0.?.1}: {@code *}
 * any digits, {@code ?} one digit, matched against the dotted IPv4 address) as CIDR blocks, and
 * the blocks two lists have in common. A pattern whose addresses do not form a few blocks is not
 * converted.
 */
final class AddressPatterns {

  /** More blocks than this for one pattern: it is reported instead of converted. */
  static final int MAX_BLOCKS = 256;

  private AddressPatterns() {}

  /** The blocks a pattern matches, or empty when it is not an IPv4 pattern or needs too many blocks. */
  static Optional<List<String>> blocks(String pattern) {
    String[] parts = pattern.split("\\.", -1);
    if (parts.length > 4 || parts.length == 0) {
      return Optional.empty();
    }
    BitSet[] octets = new BitSet[4];
    for (int i = 0; i < 4; i++) {
      if (i < parts.length) {
        octets[i] = octet(parts[i]);
        if (octets[i] == null || octets[i].isEmpty()) {
          return Optional.empty();
        }
      } else if (parts[parts.length - 1].equals("*")) {
        octets[i] = full(); // "10.*" : the star also covers the dots after it
      } else {
        return Optional.empty();
      }
    }
    List<String> out = new ArrayList<>();
    collect(octets, 0, 0L, out);
    return out.size() > MAX_BLOCKS ? Optional.empty() : Optional.of(out);
  }

  /** The values 0-255 whose decimal form the glob matches ({@code *}: any digits, {@code ?}: one). */
  private static BitSet octet(String glob) {
    if (!glob.matches("[0-9*?]+")) {
      return null;
    }
    String regex = glob.replace("*", "[0-9]*").replace("?", "[0-9]");
    BitSet values = new BitSet(256);
    for (int v = 0; v < 256; v++) {
      if (Integer.toString(v).matches(regex)) {
        values.set(v);
      }
    }
    return values;
  }

  private static BitSet full() {
    BitSet all = new BitSet(256);
    all.set(0, 256);
    return all;
  }

  private static void collect(BitSet[] octets, int k, long prefix, List<String> out) {
    if (out.size() > MAX_BLOCKS) {
      return;
    }
    boolean restFull = true;
    for (int j = k + 1; j < 4; j++) {
      restFull &= octets[j].cardinality() == 256;
    }
    if (restFull) {
      // The values of this octet in runs, each run as the fewest aligned blocks.
      int bitsBelow = 8 * (3 - k);
      BitSet here = octets[k];
      for (int start = here.nextSetBit(0); start >= 0; ) {
        int end = here.nextClearBit(start); // exclusive
        for (int v = start; v < end; ) {
          int size = Integer.lowestOneBit(v == 0 ? 256 : v);
          while (v + size > end) {
            size >>= 1;
          }
          out.add(text((prefix << 8 | v) << bitsBelow) + "/" + (8 * k + 8 - Integer.numberOfTrailingZeros(size)));
          v += size;
        }
        start = end >= 256 ? -1 : here.nextSetBit(end);
      }
      return;
    }
    for (int v = octets[k].nextSetBit(0); v >= 0; v = octets[k].nextSetBit(v + 1)) {
      collect(octets, k + 1, prefix << 8 | v, out);
    }
  }

  private static String text(long address) {
    return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "." + (address & 255);
  }

  /** The blocks in both lists: of two overlapping blocks, the smaller (one always holds the other). */
  static List<String> intersection(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>();
    for (String x : a) {
      for (String y : b) {
        long[] rx = range(x);
        long[] ry = range(y);
        if (rx[0] <= ry[0] && ry[1] <= rx[1]) {
          out.add(y);
        } else if (ry[0] <= rx[0] && rx[1] <= ry[1]) {
          out.add(x);
        }
      }
    }
    return out.stream().distinct().toList();
  }

  private static long[] range(String block) {
    String[] p = block.split("/");
    String[] o = p[0].split("\\.");
    long base = 0;
    for (String octet : o) {
      base = base << 8 | Long.parseLong(octet);
    }
    long size = 1L << (32 - Integer.parseInt(p[1]));
    return new long[] {base, base + size - 1};
  }
}
