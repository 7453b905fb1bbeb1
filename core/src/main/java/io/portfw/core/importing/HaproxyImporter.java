package io.portfw.core.importing;

import io.portfw.core.importing.HaproxySections.Line;
import io.portfw.core.importing.HaproxySections.Section;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An haproxy.cfg: its {@code mode tcp} {@code listen}, {@code frontend} and {@code backend}
 * sections, each read after the {@code defaults} section before it, as portfw listeners and
 * pools. {@code mode http} sections, {@code global} and the other sections are reported as
 * dropped; every line is reported, a keyword the import does not know as dropped.
 */
final class HaproxyImporter implements RuleImporter {

  @Override
  public void read(List<String> input, ConfigDraft draft, ImportReport report) throws ImportException {
    List<Section> sections = HaproxySections.read(input);
    LineOutcomes out = new LineOutcomes();
    Map<Section, List<Line>> defaultsOf = new HashMap<>();
    List<Line> defaults = List.of();
    List<Section> tcp = new ArrayList<>();
    for (Section s : sections) {
      switch (s.kind()) {
        case "defaults" -> {
          out.carried(s.header(), "defaults for the sections after it");
          defaults = s.lines();
        }
        case "frontend", "backend", "listen" -> {
          if (s.name().isEmpty()) {
            throw new ImportException(s.header().number(), s.kind() + " needs a name");
          }
          List<Line> all = new ArrayList<>(defaults);
          all.addAll(s.lines());
          String mode = all.stream().filter(l -> l.keyword().equals("mode")).reduce((a, b) -> b)
              .map(l -> l.word(1)).orElse("tcp");
          if (mode.equals("tcp")) {
            defaultsOf.put(s, all);
            tcp.add(s);
          } else {
            String why = "a mode " + mode + " section: portfw forwards TCP and UDP and does not read HTTP";
            out.dropped(s.header(), why);
            s.lines().forEach(l -> out.dropped(l, "part of the mode " + mode + " " + s.kind() + " " + s.name()));
          }
        }
        default -> {
          String why = s.kind().equals("global") ? "process settings (user, daemon, log, maxconn, nbthread, ...) are"
              + " not part of a portfw config; run portfw as its service unit does"
              : "a " + s.kind() + " section has no portfw form";
          out.dropped(s.header(), why);
          s.lines().forEach(l -> out.dropped(l, "part of the " + s.kind() + " section (see its line "
              + s.header().number() + ")"));
        }
      }
    }
    if (sections.stream().noneMatch(s -> s.kind().equals("frontend") || s.kind().equals("listen"))) {
      throw new ImportException(0, "no frontend or listen section in the input: nothing listens");
    }
    Map<String, HaproxyPool> pools = new LinkedHashMap<>();
    Map<Section, HaproxyPool> own = new HashMap<>();
    for (Section s : tcp) {
      if (!s.kind().equals("frontend")) {
        HaproxyPool pool = HaproxyPool.of(s.name(), defaultsOf.get(s), draft, out);
        pools.put(s.name(), pool);
        own.put(s, pool);
        if (pool.hasBackends()) {
          out.carried(s.header(), "pool " + pool.name);
        } else {
          draft.removePool(pool.name);
          out.dropped(s.header(), "no server of it could be imported: an empty pool is not written");
        }
      }
    }
    for (Section s : tcp) {
      if (!s.kind().equals("backend")) {
        int before = draft.listenerCount();
        HaproxyFrontend.of(s.name(), s.header(), defaultsOf.get(s), own.get(s), pools, draft, out);
        if (draft.listenerCount() == before) {
          out.dropped(s.header(), "none of its binds could be carried (see their lines)");
        } else if (s.kind().equals("frontend")) {
          out.carried(s.header(), "listeners named after it");
        }
      }
    }
    for (Section s : tcp) {
      for (Line l : defaultsOf.get(s)) {
        if (!out.has(l.number())) {
          out.dropped(l, "the import does not know \"" + l.keyword() + (l.keyword().equals("option")
              || l.keyword().equals("timeout") ? " " + l.word(1) : "") + "\" here; left out");
        }
      }
    }
    for (Section s : sections) {
      if (s.kind().equals("defaults")) {
        s.lines().stream().filter(l -> !out.has(l.number())).forEach(l -> out.carried(l, "a default no tcp section"
            + " here uses"));
      }
    }
    out.into(report);
    if (draft.isEmpty()) {
      throw new ImportException(0, "no mode tcp frontend or listen could be imported (see the report above)");
    }
  }
}
