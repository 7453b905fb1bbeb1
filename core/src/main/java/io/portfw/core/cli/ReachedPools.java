package io.portfw.core.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pools one listener reaches, in the order an operator reads them: its own pool, then each
 * pool of its TLS server-name routes, labelled with the names that lead there. A pool reached
 * only through a route would otherwise be missing from the tables.
 */
final class ReachedPools {

  private final Map<String, List<String>> names = new LinkedHashMap<>();

  ReachedPools(String ownPool) {
    names.put(ownPool, new ArrayList<>());
  }

  void route(String serverName, String pool) {
    names.computeIfAbsent(pool, p -> new ArrayList<>()).add(serverName);
  }

  /** Pool name to its label: {@code web}, or {@code api (sni api.example.com, *.api.example.com)}. */
  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    names.forEach((pool, via) -> labels.put(pool, via.isEmpty() ? pool : pool + " (sni " + String.join(", ", via) + ")"));
    return labels;
  }
}
