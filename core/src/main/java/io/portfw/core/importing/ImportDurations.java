package io.portfw.core.importing;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times as other tools write them ({@code 30s}, {@code 1500}, {@code 2m}) read into milliseconds,
 * and milliseconds written as a portfw duration in the largest unit that keeps them whole.
 */
final class ImportDurations {

  private static final Pattern TIME = Pattern.compile("(\\d+)(us|ms|s|m|h|d|w|M|y)?");

  private ImportDurations() {}

  /**
   * A time in milliseconds; {@code bare} is the unit of a number written without one
   * ({@code "ms"} for HAProxy, {@code "s"} for nginx). Microseconds round up to a millisecond.
   */
  static OptionalLong millis(String text, String bare) {
    Matcher m = TIME.matcher(text);
    if (!m.matches() || m.group(1).length() > 12) {
      return OptionalLong.empty();
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? bare : m.group(2);
    long ms = switch (unit) {
      case "us" -> (n + 999) / 1000;
      case "ms" -> n;
      case "s" -> n * 1000;
      case "m" -> n * 60_000;
      case "h" -> n * 3_600_000;
      case "d" -> n * 86_400_000;
      case "w" -> n * 7 * 86_400_000;
      case "M" -> n * 30 * 86_400_000L;
      default -> n * 365 * 86_400_000L;
    };
    return OptionalLong.of(ms);
  }

  /** {@code 90000} as {@code "90s"}, {@code 120000} as {@code "2m"}, {@code 1500} as {@code "1500ms"}. */
  static String text(long millis) {
    long[] sizes = {86_400_000, 3_600_000, 60_000, 1000};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis > 0 && millis % sizes[i] == 0) {
        return (millis / sizes[i]) + units[i];
      }
    }
    return String.format(Locale.ROOT, "%dms", millis);
  }
}
