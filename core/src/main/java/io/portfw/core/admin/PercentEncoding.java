package io.portfw.core.admin;

import java.util.Optional;

/**
 * Checks a request target's percent-encoding before the router decodes it: the router takes a
 * broken escape for an internal error, the caller deserves to hear what is wrong with the request.
 */
final class PercentEncoding {

  private PercentEncoding() {}

  /** Why {@code uri} cannot be decoded (the first bad escape and where it is), or empty when it can. */
  static Optional<String> firstError(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) != '%') {
        continue;
      }
      if (i + 2 >= uri.length() || !isHex(uri.charAt(i + 1)) || !isHex(uri.charAt(i + 2))) {
        String escape = uri.substring(i, Math.min(uri.length(), i + 3));
        return Optional.of("malformed percent-encoding \"" + escape + "\" at character " + (i + 1) + " of "
            + uri + ": a % must be followed by two hexadecimal digits (write a literal % as %25)");
      }
    }
    return Optional.empty();
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
