package io.portfw.core.importing;

import java.util.Map;
import java.util.TreeMap;

/**
 * What each line of a sectioned input became, gathered while the input is read several times
 * over (a {@code defaults} line applies to every section after it): for one line the worst
 * outcome wins and the reasons add up; the report gets one entry per line at the end.
 */
final class LineOutcomes {

  private record Outcome(String source, ImportReport.Outcome kind, String became, String why) {}

  private final Map<Integer, Outcome> byLine = new TreeMap<>();

  void carried(HaproxySections.Line line, String became) {
    merge(line.number(), new Outcome(line.raw(), ImportReport.Outcome.CARRIED, became, ""));
  }

  void carried(int number, String raw, String became) {
    merge(number, new Outcome(raw, ImportReport.Outcome.CARRIED, became, ""));
  }

  void approximated(HaproxySections.Line line, String became, String why) {
    approximated(line.number(), line.raw(), became, why);
  }

  void approximated(int number, String raw, String became, String why) {
    merge(number, new Outcome(raw, ImportReport.Outcome.APPROXIMATED, became, why));
  }

  void dropped(HaproxySections.Line line, String why) {
    dropped(line.number(), line.raw(), why);
  }

  void dropped(int number, String raw, String why) {
    merge(number, new Outcome(raw, ImportReport.Outcome.DROPPED, "", why));
  }

  boolean has(int number) {
    return byLine.containsKey(number);
  }

  private void merge(int number, Outcome next) {
    byLine.merge(number, next, (a, b) -> {
      ImportReport.Outcome kind = a.kind.compareTo(b.kind) >= 0 ? a.kind : b.kind;
      String became = join(a.became, b.became, ", ");
      String why = join(a.why, b.why, "; ");
      return new Outcome(a.source, kind, kind == ImportReport.Outcome.DROPPED ? "" : became, why);
    });
  }

  private static String join(String a, String b, String separator) {
    if (a.isEmpty() || a.contains(b)) {
      return a.isEmpty() ? b : a;
    }
    return b.isEmpty() ? a : a + separator + b;
  }

  void into(ImportReport report) {
    byLine.forEach((number, o) -> {
      switch (o.kind) {
        case CARRIED -> report.carried(number, o.source, o.became);
        case APPROXIMATED -> report.approximated(number, o.source, o.became, o.why);
        default -> report.dropped(number, o.source, o.why);
      }
    });
  }
}
