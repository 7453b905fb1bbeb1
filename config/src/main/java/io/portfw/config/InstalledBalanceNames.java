package io.portfw.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** The balancing strategy names all installed {@link BalanceNames} providers give, found once. */
final class InstalledBalanceNames {

  /**
   * Config's own class loader, not the thread's context loader: the answer is kept, so it must
   * not depend on which thread read a config first. On portfw's flat class path it sees balancing.
   */
  private static final List<String> NAMES = from(BalanceNames.class.getClassLoader());

  private InstalledBalanceNames() {}

  /** Every provider's names, in provider order and each provider's own; empty when none is installed. */
  static List<String> get() {
    return NAMES;
  }

  static List<String> from(ClassLoader loader) {
    Set<String> names = new LinkedHashSet<>();
    for (BalanceNames provider : ServiceLoader.load(BalanceNames.class, loader)) {
      names.addAll(provider.names());
    }
    return List.copyOf(names);
  }
}
