package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changes from one config to the next, listeners and pools matched by name.
 *
 * @param rebound listeners (as in the next config) whose protocol or listen address changed:
 *     they must be bound anew
 * @param changed listeners (as in the next config) with the same address and other settings
 *     changed (pool, timeouts): they change in place
 * @param adminChanged the admin endpoint, the access log, the dns settings, the state directory or the cluster changed:
 *     applied at the next start
 * @param renamed listeners that only changed their name (new name to old name): they keep
 *     their socket and connections and change in place too
 * @param loggingChanged portfw's own log level or format changed: applied in place
 */
public record ConfigDiff(
    List<ListenerConfig> added, List<ListenerConfig> removed, List<ListenerConfig> rebound, List<ListenerConfig> changed,
    Map<String, String> renamed,
    List<PoolConfig> poolsAdded, List<PoolConfig> poolsRemoved, List<PoolConfig> poolsChanged, boolean adminChanged,
    boolean loggingChanged) {

  public ConfigDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    rebound = List.copyOf(rebound);
    changed = List.copyOf(changed);
    renamed = Map.copyOf(renamed);
    poolsAdded = List.copyOf(poolsAdded);
    poolsRemoved = List.copyOf(poolsRemoved);
    poolsChanged = List.copyOf(poolsChanged);
  }

  public static ConfigDiff between(PortfwConfig old, PortfwConfig next) {
    requireNonNull(old, "old");
    requireNonNull(next, "next");
    Map<String, ListenerConfig> before = byName(old.listeners(), ListenerConfig::name);
    Map<String, ListenerConfig> after = byName(next.listeners(), ListenerConfig::name);
    List<ListenerConfig> added = new ArrayList<>();
    List<ListenerConfig> rebound = new ArrayList<>();
    List<ListenerConfig> changed = new ArrayList<>();
    for (ListenerConfig l : next.listeners()) {
      ListenerConfig was = before.get(l.name());
      if (was == null) {
        added.add(l);
      } else if (was.protocol() != l.protocol() || !was.listen().equals(l.listen())) {
        rebound.add(l);
      } else if (!was.equals(l)) {
        changed.add(l);
      }
    }
    List<ListenerConfig> removed = new ArrayList<>(
        old.listeners().stream().filter(l -> !after.containsKey(l.name())).toList());
    // A listener that reappears under another name on the same protocol and address is a rename, not a new socket.
    Map<String, String> renamed = new java.util.LinkedHashMap<>();
    for (java.util.Iterator<ListenerConfig> it = added.iterator(); it.hasNext(); ) {
      ListenerConfig l = it.next();
      removed.stream().filter(r -> r.protocol() == l.protocol() && r.listen().equals(l.listen())).findFirst().ifPresent(r -> {
        renamed.put(l.name(), r.name());
        removed.remove(r);
        it.remove();
      });
    }

    Map<String, PoolConfig> poolsBefore = byName(old.pools(), PoolConfig::name);
    Map<String, PoolConfig> poolsAfter = byName(next.pools(), PoolConfig::name);
    List<PoolConfig> poolsAdded = next.pools().stream().filter(p -> !poolsBefore.containsKey(p.name())).toList();
    List<PoolConfig> poolsChanged = next.pools().stream()
        .filter(p -> poolsBefore.containsKey(p.name()) && !poolsBefore.get(p.name()).equals(p)).toList();
    List<PoolConfig> poolsRemoved = old.pools().stream().filter(p -> !poolsAfter.containsKey(p.name())).toList();
    return new ConfigDiff(added, removed, rebound, changed, renamed, poolsAdded, poolsRemoved, poolsChanged,
        !old.admin().equals(next.admin()) || !old.accessLog().equals(next.accessLog())
            || !old.dns().equals(next.dns()) || !old.stateDir().equals(next.stateDir())
            || !old.cluster().equals(next.cluster()),
        !old.logging().equals(next.logging()));
  }

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && rebound.isEmpty() && changed.isEmpty() && renamed.isEmpty()
        && poolsAdded.isEmpty() && poolsRemoved.isEmpty() && poolsChanged.isEmpty() && !adminChanged
        && !loggingChanged;
  }

  /** A short account for logs: {@code +1 listener, -1 listener, ~2 pools}. */
  public String summary() {
    List<String> parts = new ArrayList<>();
    count(parts, "+", added.size(), "listener");
    count(parts, "-", removed.size(), "listener");
    count(parts, "rebound ", rebound.size(), "listener");
    count(parts, "~", changed.size(), "listener");
    count(parts, "renamed ", renamed.size(), "listener");
    count(parts, "+", poolsAdded.size(), "pool");
    count(parts, "-", poolsRemoved.size(), "pool");
    count(parts, "~", poolsChanged.size(), "pool");
    if (adminChanged) {
      parts.add("admin, accessLog, dns, stateDir or cluster changed (applies at the next start)");
    }
    if (loggingChanged) {
      parts.add("logging changed");
    }
    return parts.isEmpty() ? "no change" : String.join(", ", parts);
  }

  private static void count(List<String> parts, String sign, int n, String what) {
    if (n > 0) {
      parts.add(sign + n + " " + what + (n == 1 ? "" : "s"));
    }
  }

  private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    return items.stream().collect(Collectors.toMap(name, Function.identity()));
  }
}
