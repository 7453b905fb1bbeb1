package io.portfw.core.importing;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** nginx times: {@code 30s}, {@code 1h30m}, {@code 500ms}; a number without a unit is seconds. */
final class NginxTimes {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|M|y)?");

  private NginxTimes() {}

  static OptionalLong millis(String text) {
    String t = text.replace(" ", "");
    if (!t.matches("(\\d+(ms|s|m|h|d|w|M|y)?)+")) {
      return OptionalLong.empty();
    }
    long total = 0;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      OptionalLong part = ImportDurations.millis(m.group(), "s");
      if (part.isEmpty()) {
        return OptionalLong.empty();
      }
      total += part.getAsLong();
    }
    return OptionalLong.of(total);
  }
}
