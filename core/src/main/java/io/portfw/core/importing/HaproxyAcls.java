package io.portfw.core.importing;

import io.portfw.core.importing.HaproxySections.Line;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code acl} lines of one HAProxy section and the {@code if}/{@code unless} conditions that
 * use them, as far as portfw can carry them: client address blocks ({@code src}) and TLS server
 * names ({@code req.ssl_sni}, {@code req_ssl_sni}), named or inline in braces, one term or terms
 * joined by {@code ||}.
 */
final class HaproxyAcls {

  /** What a condition tests: {@code src} blocks or {@code sni} names, negated or not. */
  record Test(String fetch, List<String> values, boolean negated) {}

  private final Map<String, Test> named = new LinkedHashMap<>();

  /** Reads an {@code acl NAME FETCH [flags] VALUES...} line; empty with the reason when it is not carried. */
  Optional<String> add(Line l) {
    if (l.words().size() < 4) {
      return Optional.of("an acl line is: acl NAME FETCH VALUES...");
    }
    Optional<Test> test = test(l.words().subList(2, l.words().size()));
    if (test.isEmpty()) {
      return Optional.of("only src acls of IP addresses and blocks (no host bits set) and req.ssl_sni name acls are"
          + " carried");
    }
    named.merge(l.word(1), test.get(), (a, b) -> {
      List<String> both = new ArrayList<>(a.values());
      both.addAll(b.values());
      return a.fetch().equals(b.fetch()) ? new Test(a.fetch(), both, false) : a;
    });
    return Optional.empty();
  }

  /**
   * The condition after {@code if}/{@code unless} (the words from that keyword on) as one test: the
   * terms must be of one fetch and joined by {@code ||}. Empty when it has no portfw form.
   */
  Optional<Test> condition(List<String> words) {
    if (words.isEmpty() || !(words.get(0).equals("if") || words.get(0).equals("unless"))) {
      return Optional.empty();
    }
    boolean unless = words.get(0).equals("unless");
    List<Test> terms = new ArrayList<>();
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      boolean negated = false;
      if (w.equals("||") || w.equals("or")) {
        continue;
      }
      if (i > 1 && !(words.get(i - 1).equals("||") || words.get(i - 1).equals("or"))) {
        return Optional.empty(); // an AND of two terms
      }
      if (w.startsWith("!")) {
        negated = true;
        w = w.substring(1);
        if (w.isEmpty() && i + 1 < words.size()) {
          w = words.get(++i);
        }
      }
      Test t;
      if (w.equals("{")) {
        int close = words.subList(i, words.size()).indexOf("}");
        if (close < 0) {
          return Optional.empty();
        }
        Optional<Test> inline = test(words.subList(i + 1, i + close));
        if (inline.isEmpty()) {
          return Optional.empty();
        }
        t = inline.get();
        i += close;
      } else {
        t = named.get(w);
        if (t == null) {
          return Optional.empty();
        }
      }
      terms.add(new Test(t.fetch(), t.values(), negated != unless));
    }
    if (terms.isEmpty() || terms.stream().anyMatch(t -> !t.fetch().equals(terms.get(0).fetch()))) {
      return Optional.empty();
    }
    if (terms.size() > 1 && terms.stream().anyMatch(Test::negated)) {
      return Optional.empty();
    }
    List<String> values = new ArrayList<>();
    terms.forEach(t -> values.addAll(t.values()));
    return Optional.of(new Test(terms.get(0).fetch(), values, terms.get(0).negated()));
  }

  /** {@code FETCH [flags] VALUES}: {@code src} blocks, or server names as portfw routes write them. */
  private static Optional<Test> test(List<String> words) {
    String fetch = words.get(0);
    List<String> values = new ArrayList<>();
    String match = "str";
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      switch (w) {
        case "-i", "--" -> { }
        case "-m" -> match = i + 1 < words.size() ? words.get(++i) : "";
        case "-f", "-M", "-u", "-n" -> {
          return Optional.empty();
        }
        default -> values.add(w);
      }
    }
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (fetch.equals("src") && match.equals("str")) {
      List<String> blocks = values.stream().map(AddressBlocks::block).toList();
      return AddressBlocks.problem(blocks).isPresent() ? Optional.empty() : Optional.of(new Test("src", blocks, false));
    }
    if (fetch.equals("req.ssl_sni") || fetch.equals("req_ssl_sni")) {
      List<String> names = new ArrayList<>();
      for (String v : values) {
        switch (match) {
          case "str" -> names.add(v.toLowerCase());
          case "end" -> {
            if (!v.startsWith(".")) {
              return Optional.empty(); // "-m end example.com" also matches "badexample.com"
            }
            names.add("*" + v.toLowerCase());
          }
          case "dom" -> {
            names.add(v.toLowerCase());
            names.add("*." + v.toLowerCase());
          }
          default -> {
            return Optional.empty();
          }
        }
      }
      return Optional.of(new Test("sni", names, false));
    }
    return Optional.empty();
  }
}
