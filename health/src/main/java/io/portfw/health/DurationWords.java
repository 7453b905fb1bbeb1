package io.portfw.health;

/** DurationWords as a log line writes them: "1s", "250ms", "1.5s". */
final class DurationWords {

  private DurationWords() {}

  static String words(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }
}
