package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.List;

/**
 * What an import made of each line or block of its input: carried over as it was, approximated
 * (with why), or dropped (with why), plus notes for the whole import.
 */
public final class ImportReport {

  /** How faithfully one piece of input was carried over. */
  public enum Outcome {
    CARRIED("carried"),
    APPROXIMATED("approximated"),
    DROPPED("dropped");

    private final String word;

    Outcome(String word) {
      this.word = word;
    }

    @Override
    public String toString() {
      return word;
    }
  }

  /** One piece of input: where it was, what it said, and what it became. */
  public record Entry(int line, String source, Outcome outcome, String became, String why) {}

  private final List<Entry> entries = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public void carried(int line, String source, String became) {
    entries.add(new Entry(line, source, Outcome.CARRIED, became, ""));
  }

  public void approximated(int line, String source, String became, String why) {
    entries.add(new Entry(line, source, Outcome.APPROXIMATED, became, why));
  }

  public void dropped(int line, String source, String why) {
    entries.add(new Entry(line, source, Outcome.DROPPED, "", why));
  }

  /** A remark about the whole import. */
  public void note(String note) {
    notes.add(note);
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Whether everything was carried over as it was. */
  public boolean complete() {
    return entries.stream().allMatch(e -> e.outcome() == Outcome.CARRIED);
  }

  /** The report as the command prints it on standard error, one entry per line. */
  public String render(String input) {
    StringBuilder out = new StringBuilder();
    List<Entry> inOrder = new ArrayList<>(entries);
    inOrder.sort(java.util.Comparator.comparingInt(Entry::line));
    for (Entry e : inOrder) {
      out.append(input).append(':').append(e.line()).append(": ").append(e.outcome()).append(": ")
          .append(e.source().strip());
      if (!e.became().isEmpty()) {
        out.append("\n    -> ").append(e.became());
      }
      if (!e.why().isEmpty()) {
        out.append("\n    because ").append(e.why());
      }
      out.append('\n');
    }
    notes.forEach(n -> out.append("note: ").append(n).append('\n'));
    long approximated = entries.stream().filter(e -> e.outcome() == Outcome.APPROXIMATED).count();
    long dropped = entries.stream().filter(e -> e.outcome() == Outcome.DROPPED).count();
    out.append(entries.size()).append(" rule(s): ").append(entries.size() - approximated - dropped)
        .append(" carried, ").append(approximated).append(" approximated, ").append(dropped).append(" dropped\n");
    return out.toString();
  }
}
