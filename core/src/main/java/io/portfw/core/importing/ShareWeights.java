package io.portfw.core.importing;

/**
 * Shares of the connections (fractions that add up to one) as backend weights of 1-256 in the
 * same proportion: the smallest whole numbers that give every share back within a rounding error
 * of the kernel's own (iptables keeps a probability in 32 bits), else the nearest weights of at
 * most 256. Exact for the usual cascades: 1/3, 1/2 of the rest, the rest is 1, 1, 1.
 */
final class ShareWeights {

  static final int MAX_WEIGHT = 256;
  private static final double TOLERANCE = 1e-6;

  /** The weights, and whether they give the shares back exactly. */
  record Result(int[] weights, boolean exact) {}

  private ShareWeights() {}

  static Result of(double[] shares) {
    double total = 0;
    double max = 0;
    for (double s : shares) {
      total += s;
      max = Math.max(max, s);
    }
    if (max <= 0) {
      return new Result(new int[shares.length], false);
    }
    for (int top = 1; top <= MAX_WEIGHT; top++) {
      int[] w = scaled(shares, max, top);
      if (close(shares, total, w)) {
        return new Result(w, true);
      }
    }
    return new Result(scaled(shares, max, MAX_WEIGHT), false);
  }

  /** The largest share becomes {@code top}; a share above zero never becomes weight 0. */
  private static int[] scaled(double[] shares, double max, int top) {
    int[] w = new int[shares.length];
    for (int i = 0; i < shares.length; i++) {
      w[i] = shares[i] <= 0 ? 0 : Math.max(1, (int) Math.round(shares[i] / max * top));
    }
    return w;
  }

  private static boolean close(double[] shares, double total, int[] w) {
    long sum = 0;
    for (int x : w) {
      sum += x;
    }
    for (int i = 0; i < w.length; i++) {
      if (Math.abs((double) w[i] / sum - shares[i] / total) > TOLERANCE) {
        return false;
      }
    }
    return true;
  }
}
