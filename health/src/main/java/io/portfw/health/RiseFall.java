package io.portfw.health;

/**
 * The verdict of a backend's checks: {@code fall} failures in a row turn a passing backend
 * failing, {@code rise} passes in a row turn it back. Until the first result is in, the first
 * result alone decides, so a backend found dead at start is taken out after one check.
 */
final class RiseFall {

  private final int rise;
  private final int fall;
  private boolean passing;
  private boolean decided;
  private int streak;

  /**
   * @param passing the verdict so far
   * @param decided whether a check already gave that verdict (a backend carried over from a
   *     previous config); otherwise the first result decides
   */
  RiseFall(int rise, int fall, boolean passing, boolean decided) {
    this.rise = rise;
    this.fall = fall;
    this.passing = passing;
    this.decided = decided;
  }

  /** Takes one result; returns whether the verdict flipped. */
  boolean record(boolean ok) {
    if (!decided) {
      decided = true;
      boolean flipped = ok != passing;
      passing = ok;
      return flipped;
    }
    if (ok == passing) {
      streak = 0;
      return false;
    }
    streak++;
    if (streak < (passing ? fall : rise)) {
      return false;
    }
    passing = ok;
    streak = 0;
    return true;
  }

  boolean passing() {
    return passing;
  }

  /** Results in a row against the verdict: failures while passing, passes while failing. */
  int streak() {
    return streak;
  }
}
