package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/** A block of IPv4 or IPv6 addresses, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a lone address is a block of one. */
public record Cidr(InetAddress network, int prefix) {

  public Cidr {
    requireNonNull(network, "network");
    if (prefix < 0 || prefix > bits(network)) {
      throw new IllegalArgumentException("prefix " + prefix + " out of range for " + network.getHostAddress());
    }
  }

  /** Whether {@code address} lies in the block; an IPv4 address written as IPv6 (::ffff:a.b.c.d) counts as IPv4. */
  public boolean contains(InetAddress address) {
    byte[] a = plain(address).getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (n[full] & mask);
  }

  /** Reads {@code "10.0.0.0/8"}, {@code "192.168.1.7"}, {@code "2001:db8::/32"}; empty with the reason when it is none. */
  public static Result parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    Optional<InetAddress> address = AddressParser.literal(host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host);
    if (address.isEmpty()) {
      return Result.error("\"" + text + "\" is not an IP address or CIDR block (e.g. 10.0.0.0/8, 2001:db8::/32)");
    }
    InetAddress network = address.get();
    int prefix = bits(network);
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits(network)) {
        return Result.error("\"" + text + "\" has a prefix length out of range 0-" + bits(network));
      }
      prefix = Integer.parseInt(p);
    }
    Cidr block = new Cidr(network, prefix);
    if (!block.hostBitsClear()) {
      return Result.error("\"" + text + "\" has host bits set (did you mean " + block.canonical() + "?)");
    }
    return new Result(Optional.of(block), Optional.empty());
  }

  /** A parsed block, or why the text is not one. */
  public record Result(Optional<Cidr> cidr, Optional<String> error) {
    static Result error(String why) {
      return new Result(Optional.empty(), Optional.of(why));
    }
  }

  private boolean hostBitsClear() {
    return canonical().equals(this);
  }

  /** The same block with its host bits cleared. */
  Cidr canonical() {
    byte[] n = network.getAddress().clone();
    for (int bit = prefix; bit < n.length * 8; bit++) {
      n[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return new Cidr(InetAddress.getByAddress(n), prefix);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int bits(InetAddress a) {
    return a instanceof Inet4Address ? 32 : 128;
  }

  private static InetAddress plain(InetAddress a) {
    if (a instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
          return a;
        }
      }
    }
    return a;
  }

  @Override
  public String toString() {
    return (network instanceof Inet6Address ? compressed(network.getAddress()) : network.getHostAddress()) + "/" + prefix;
  }

  /** An IPv6 address as people write it: the longest run of zero groups as {@code ::}. */
  private static String compressed(byte[] b) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
