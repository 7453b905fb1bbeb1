package io.portfw.core.runtime;

import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Backends changed by the operator at runtime (a weight set, a backend added or removed), laid
 * over the config file: what runs is the file with these changes. A change lasts across reloads
 * until the file itself changes that backend (then the file wins), or until it is saved into the
 * file. Guarded by the runtime: one change or reload at a time.
 */
final class RuntimeChanges {

  /** What the operator did to one backend, and the file's version of it when they did (empty: not in the file). */
  record Change(String pool, BackendAddress address, Optional<BackendConfig> runtime, Optional<BackendConfig> inFile,
      String kind) {}

  private final Map<String, Change> byKey = new LinkedHashMap<>();

  private static String key(String pool, BackendAddress address) {
    return pool + " " + address;
  }

  /** Sets the backend as the operator wants it (empty: removed), remembering what the file said. */
  void put(PortfwConfig file, String pool, BackendAddress address, Optional<BackendConfig> runtime, String kind) {
    Optional<BackendConfig> inFile = backendIn(file, pool, address);
    if (runtime.equals(inFile)) {
      byKey.remove(key(pool, address)); // back to what the file says: no change left
      return;
    }
    byKey.put(key(pool, address), new Change(pool, address, runtime, inFile, kind));
  }

  /** Puts back what stood for this backend before a change that could not be applied (empty: nothing). */
  void restore(String pool, BackendAddress address, Optional<Change> before) {
    if (before.isPresent()) {
      byKey.put(key(pool, address), before.get());
    } else {
      byKey.remove(key(pool, address));
    }
  }

  /** A new file: a change to a backend the file now says something else about gives way to the file. */
  List<Change> fileChanged(PortfwConfig next) {
    List<Change> dropped = new ArrayList<>();
    byKey.values().removeIf(c -> {
      boolean fileMoved = !backendIn(next, c.pool(), c.address()).equals(c.inFile());
      if (fileMoved) {
        dropped.add(c);
      }
      return fileMoved;
    });
    return dropped;
  }

  /** The file with every change laid over it. */
  PortfwConfig applyTo(PortfwConfig file) {
    if (byKey.isEmpty()) {
      return file;
    }
    List<PoolConfig> pools = new ArrayList<>();
    for (PoolConfig p : file.pools()) {
      List<BackendConfig> backends = new ArrayList<>();
      for (BackendConfig b : p.backends()) {
        Change c = byKey.get(key(p.name(), b.address()));
        if (c == null) {
          backends.add(b);
        } else {
          c.runtime().ifPresent(backends::add);
        }
      }
      byKey.values().stream()
          .filter(c -> c.pool().equals(p.name()) && c.inFile().isEmpty() && c.runtime().isPresent())
          .forEach(c -> backends.add(c.runtime().get()));
      pools.add(p.withBackends(backends));
    }
    return file.withPools(pools);
  }

  /** The change to this backend, if the operator made one that still stands. */
  Optional<Change> of(String pool, BackendAddress address) {
    return Optional.ofNullable(byKey.get(key(pool, address)));
  }

  List<Change> all() {
    return List.copyOf(byKey.values());
  }

  void clear() {
    byKey.clear();
  }

  static Optional<BackendConfig> backendIn(PortfwConfig config, String pool, BackendAddress address) {
    return config.pools().stream().filter(p -> p.name().equals(pool)).findFirst()
        .flatMap(p -> p.backends().stream().filter(b -> Objects.equals(b.address(), address)).findFirst());
  }
}
