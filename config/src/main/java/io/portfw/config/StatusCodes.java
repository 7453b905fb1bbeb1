package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The HTTP status codes a health check accepts, written as codes and ranges:
 * {@code "200-399"}, {@code "200,204"}, {@code "200-299,301"}.
 */
public record StatusCodes(List<Range> ranges) {

  public static final StatusCodes DEFAULT = new StatusCodes(List.of(new Range(200, 399)));

  /** Both ends included. */
  public record Range(int from, int to) {
    public Range {
      if (from < 100 || to > 599 || from > to) {
        throw new IllegalArgumentException("not a status range: " + from + "-" + to);
      }
    }

    @Override
    public String toString() {
      return from == to ? Integer.toString(from) : from + "-" + to;
    }
  }

  public StatusCodes {
    ranges = List.copyOf(ranges);
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("no status codes");
    }
  }

  public boolean matches(int status) {
    for (Range r : ranges) {
      if (status >= r.from() && status <= r.to()) {
        return true;
      }
    }
    return false;
  }

  /** Reads {@code "200-399"} and its kin; empty when the text is not such a list of codes between 100 and 599. */
  public static Optional<StatusCodes> parse(String text) {
    requireNonNull(text, "text");
    List<Range> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String[] ends = part.strip().split("-", -1);
      if (ends.length > 2) {
        return Optional.empty();
      }
      Optional<Integer> from = code(ends[0]);
      Optional<Integer> to = ends.length == 2 ? code(ends[1]) : from;
      if (from.isEmpty() || to.isEmpty() || from.get() > to.get()) {
        return Optional.empty();
      }
      ranges.add(new Range(from.get(), to.get()));
    }
    return Optional.of(new StatusCodes(ranges));
  }

  private static Optional<Integer> code(String text) {
    String t = text.strip();
    if (t.length() != 3 || !t.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    int code = Integer.parseInt(t);
    return code >= 100 && code <= 599 ? Optional.of(code) : Optional.empty();
  }

  @Override
  public String toString() {
    return ranges.stream().map(Range::toString).collect(Collectors.joining(","));
  }
}
