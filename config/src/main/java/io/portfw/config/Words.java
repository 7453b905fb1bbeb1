package io.portfw.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A closed set of config words, each standing for a value, with the one error for any other
 * word: {@code "<word>" is not <what> (use <the words>)}.
 *
 * @param <T> what a word stands for
 */
final class Words<T> {

  /** How the error lists the words; each setting keeps the listing its message has always had. */
  enum Listing {
    /** {@code "a" or "b"}, {@code "a", "b" or "c"}. */
    QUOTED,
    /** {@code a, b or c}. */
    PLAIN,
    /** {@code one of: a, b, c}. */
    ONE_OF;

    String of(List<String> words) {
      return switch (this) {
        case QUOTED -> either(words.stream().map(w -> "\"" + w + "\"").toList());
        case PLAIN -> either(words);
        case ONE_OF -> "one of: " + String.join(", ", words);
      };
    }

    private static String either(List<String> words) {
      int last = words.size() - 1;
      return last < 1 ? String.join("", words) : String.join(", ", words.subList(0, last)) + " or " + words.get(last);
    }
  }

  private final String what;
  private final Listing listing;
  private final Map<String, T> byWord;
  private final boolean ignoreCase;

  private Words(String what, Listing listing, Map<String, T> byWord, boolean ignoreCase) {
    this.what = what;
    this.listing = listing;
    this.byWord = byWord;
    this.ignoreCase = ignoreCase;
  }

  /** The constants of an enum, each named by its name in lower case, listed quoted in declaration order. */
  static <E extends Enum<E>> Words<E> of(String what, Class<E> type) {
    Map<String, E> byWord = new LinkedHashMap<>();
    for (E constant : type.getEnumConstants()) {
      byWord.put(constant.name().toLowerCase(Locale.ROOT), constant);
    }
    return new Words<>(what, Listing.QUOTED, byWord, false);
  }

  /** These words for these values, listed in the order given. */
  @SafeVarargs
  static <T> Words<T> of(String what, Listing listing, Map.Entry<String, T>... words) {
    Map<String, T> byWord = new LinkedHashMap<>();
    for (Map.Entry<String, T> word : words) {
      byWord.put(word.getKey(), word.getValue());
    }
    return new Words<>(what, listing, byWord, false);
  }

  /** Words that stand for themselves, listed in the order the collection gives them. */
  static Words<String> names(String what, Listing listing, Collection<String> words) {
    Map<String, String> byWord = new LinkedHashMap<>();
    words.forEach(word -> byWord.put(word, word));
    return new Words<>(what, listing, byWord, false);
  }

  /** The same words (given in lower case), matched whatever their case; the error quotes the word as written. */
  Words<T> ignoringCase() {
    return new Words<>(what, listing, byWord, true);
  }

  /** The value the word stands for, or empty with the error added at {@code path}. */
  Optional<T> read(String word, String path, Problems problems) {
    T value = byWord.get(ignoreCase ? word.toLowerCase(Locale.ROOT) : word);
    if (value == null) {
      problems.add(path, "\"" + word + "\" is not " + what + " (use " + listing.of(words()) + ")");
    }
    return Optional.ofNullable(value);
  }

  /** The words, in the order the error lists them. */
  List<String> words() {
    return List.copyOf(byWord.keySet());
  }
}
