package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.portfw.core.importing.NginxDirectives.Directive;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code map $ssl_preread_server_name $VAR { NAME VALUE; ... }} as portfw routes: exact names, and
 * with {@code hostnames} {@code .example.com} (the name and every name under it) and
 * {@code *.example.com}. Regular expressions and trailing stars have no route form and are reported.
 */
final class NginxServerNameMap {

  private NginxServerNameMap() {}

  /** Adds the map's routes; returns the pool of its {@code default}, or null when it has none. */
  static NginxUpstream read(Directive map, Function<String, NginxUpstream> poolOf, ArrayNode routes, LineOutcomes out) {
    NginxUpstream fallback = null;
    boolean hostnames = map.block().stream().anyMatch(d -> d.name().equals("hostnames"));
    for (Directive entry : map.block()) {
      if (entry.name().equals("hostnames")) {
        out.carried(entry.line(), entry.raw(), "names with a leading dot or a star match the names under them");
        continue;
      }
      NginxUpstream target = entry.args().size() == 1 ? poolOf.apply(entry.arg(0)) : null;
      if (target == null) {
        out.dropped(entry.line(), entry.raw(), entry.args().size() != 1 ? "a map entry is: NAME VALUE;"
            : "its value " + entry.arg(0) + " is neither an upstream with servers nor a host:port");
        continue;
      }
      String name = entry.name().toLowerCase(Locale.ROOT);
      if (name.equals("default")) {
        fallback = target;
        out.carried(entry.line(), entry.raw(), "the listeners' pool " + target.name + " for every other name");
        continue;
      }
      List<String> names = new ArrayList<>();
      if (name.startsWith("~")) {
        out.dropped(entry.line(), entry.raw(), "a regular expression has no portfw route form (exact names and"
            + " *.suffix only)");
        continue;
      } else if (hostnames && name.startsWith(".")) {
        names.add(name.substring(1));
        names.add("*" + name);
      } else if (hostnames && name.endsWith(".*")) {
        out.dropped(entry.line(), entry.raw(), "a name with a trailing star has no portfw route form");
        continue;
      } else {
        names.add(name);
      }
      names.forEach(n -> routes.addObject().put("serverName", n).put("pool", target.name));
      out.carried(entry.line(), entry.raw(), "routes " + names + " -> pool " + target.name);
    }
    out.carried(map.line(), map.raw(), "routes by TLS server name");
    return fallback;
  }
}
