package io.portfw.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that span entries: unique names, listen addresses that cannot be bound
 * together, and listeners naming a pool that does not exist.
 */
final class CrossChecks {

  private record Bound(Protocol protocol, ListenAddress address, String path) {}

  private final Problems problems;
  private final Scope listenerNames;
  private final Scope poolNames;
  private final List<Bound> bound = new ArrayList<>();
  private final Map<String, String> poolReferences = new LinkedHashMap<>();

  CrossChecks(Problems problems) {
    this.problems = problems;
    this.listenerNames = newScope();
    this.poolNames = newScope();
  }

  /** A set of values that must not repeat, reporting a repeat with where it was first used. */
  final class Scope {
    private final Map<String, String> firstSeen = new HashMap<>();

    void unique(String what, String path) {
      String first = firstSeen.putIfAbsent(what, path);
      if (first != null) {
        problems.add(path, "duplicate " + what + " (first used at " + first + ")");
      }
    }
  }

  Scope newScope() {
    return new Scope();
  }

  void listenerName(String name, String path) {
    listenerNames.unique("name \"" + name + "\"", path);
  }

  void poolName(String name, String path) {
    poolNames.unique("name \"" + name + "\"", path);
  }

  void listenAddress(Protocol protocol, ListenAddress address, String path) {
    for (Bound other : bound) {
      if (other.protocol() == protocol && other.address().overlaps(address)) {
        problems.add(path, "duplicate listen address: " + address + " overlaps " + other.address()
            + " of " + other.path());
        return;
      }
    }
    bound.add(new Bound(protocol, address, path));
  }

  void poolReference(String pool, String path) {
    poolReferences.put(path, pool);
  }

  /** Runs once every pool has been read. */
  void checkPoolReferences() {
    poolReferences.forEach((path, pool) -> {
      if (!poolNames.firstSeen.containsKey("name \"" + pool + "\"")) {
        problems.add(path, "no pool named \"" + pool + "\"");
      }
    });
  }
}
