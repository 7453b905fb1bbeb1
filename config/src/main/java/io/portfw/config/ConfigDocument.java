package io.portfw.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One pass over one parsed config document: each top-level section in turn, then the checks
 * that span sections. Every read adds what it finds wrong to the same problems. Relative file
 * names in it (certificates) are taken from {@code base}, the config file's directory.
 */
final class ConfigDocument {

  private ConfigDocument() {}

  /** The config the document describes, or null when anything was wrong (then it is in {@code problems}). */
  static PortfwConfig read(JsonNode root, Problems problems, Path base) {
    if (!root.isObject()) {
      problems.add("(root)", "must be an object, not " + JsonObjectReader.kind(root));
      return null;
    }
    AddressParser addresses = new AddressParser(problems);
    CrossChecks cross = new CrossChecks(problems);
    TopLevelSections sections = new TopLevelSections(problems, addresses, base);
    ListenerSection listenerSection = new ListenerSection(problems, addresses, cross, base);
    PoolSection poolSection = new PoolSection(problems, addresses, cross, InstalledBalanceNames.get(), base);

    JsonObjectReader top = new JsonObjectReader(root, "", problems);
    AdminConfig admin = top.has("admin") ? sections.admin(top.object("admin")) : AdminConfig.DEFAULT;
    List<ListenerConfig> listeners = new ArrayList<>();
    for (JsonObjectReader.Element e : top.array("listeners", true)) {
      listenerSection.read(new JsonObjectReader(e.node(), e.path(), problems)).ifPresent(listeners::add);
    }
    List<PoolConfig> pools = new ArrayList<>();
    for (JsonObjectReader.Element e : top.array("pools", true)) {
      poolSection.read(new JsonObjectReader(e.node(), e.path(), problems)).ifPresent(pools::add);
    }
    Optional<AccessLogConfig> accessLog =
        top.has("accessLog") ? sections.accessLog(top.object("accessLog")) : Optional.empty();
    DnsConfig dns = top.has("dns") ? sections.dns(top.object("dns")) : DnsConfig.DEFAULT;
    Optional<String> stateDir = top.string("stateDir", false);
    if (stateDir.isPresent() && stateDir.get().isBlank()) {
      problems.add(top.pathOf("stateDir"), "must be a directory path (or left out: beside the config file)");
    }
    LoggingConfig logging = top.has("logging") ? sections.logging(top.object("logging")) : LoggingConfig.DEFAULT;
    Optional<ClusterConfig> cluster = top.has("cluster")
        ? new ClusterSection(problems, addresses).read(top.object("cluster")) : Optional.empty();
    top.rejectUnknownKeys();
    cross.checkPoolReferences(); // only now is every pool name known
    return problems.isEmpty() ? new PortfwConfig(admin, listeners, pools, accessLog, dns, stateDir, logging, cluster) : null;
  }
}
