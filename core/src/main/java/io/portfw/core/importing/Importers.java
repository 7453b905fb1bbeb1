package io.portfw.core.importing;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The kinds of rules {@code portfw import --from KIND} reads. */
public final class Importers {

  private static final Map<String, Supplier<RuleImporter>> BY_NAME = new TreeMap<>(Map.of(
      "haproxy", HaproxyImporter::new,
      "ipmasqadm", IpmasqadmImporter::new,
      "nginx", NginxImporter::new,
      "rinetd", RinetdImporter::new,
      "iptables", IptablesImporter::new,
      "nft", NftImporter::new));

  private Importers() {}

  /** A fresh importer of that kind (each keeps the state of one input). */
  public static Optional<RuleImporter> of(String kind) {
    return Optional.ofNullable(BY_NAME.get(kind)).map(Supplier::get);
  }

  public static String names() {
    return String.join(", ", BY_NAME.keySet());
  }
}
