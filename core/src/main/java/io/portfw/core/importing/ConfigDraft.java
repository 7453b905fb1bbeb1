package io.portfw.core.importing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The portfw config an import builds, as the JSON the config file holds: listeners and pools
 * added under names made unique and valid, everything else set on the nodes as the config
 * reference names it. The result is checked by the config loader before it is written.
 */
public final class ConfigDraft {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int MAX_NAME = 63;

  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode listeners = root.putArray("listeners");
  private final ArrayNode pools = root.putArray("pools");
  private final Set<String> listenerNames = new HashSet<>();
  private final Set<String> poolNames = new HashSet<>();

  /** The top level, for keys such as {@code accessLog}. */
  public ObjectNode root() {
    return root;
  }

  /** A new pool named as close to {@code wanted} as the name rules and the other pools allow. */
  public ObjectNode addPool(String wanted) {
    ObjectNode pool = pools.addObject().put("name", unique(wanted, poolNames));
    pool.putArray("backends");
    return pool;
  }

  /** Takes back a pool added by {@link #addPool} (one that turned out to have no backend). */
  public void removePool(String name) {
    for (int i = 0; i < pools.size(); i++) {
      if (pools.get(i).get("name").asText().equals(name)) {
        pools.remove(i);
        poolNames.remove(name);
        return;
      }
    }
  }

  /** A backend of {@code pool} at {@code address} (host:port, [v6]:port, or a host alone: the client's port). */
  public ObjectNode addBackend(ObjectNode pool, String address) {
    return ((ArrayNode) pool.get("backends")).addObject().put("address", address);
  }

  /** A new listener on {@code listen} forwarding to the pool named {@code pool}. */
  public ObjectNode addListener(String wanted, String protocol, String listen, String pool) {
    ObjectNode listener = listeners.addObject().put("name", unique(wanted, listenerNames));
    if (!protocol.equals("tcp")) {
      listener.put("protocol", protocol);
    }
    return listener.put("listen", listen).put("pool", pool);
  }

  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  public int listenerCount() {
    return listeners.size();
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the imported config", e);
    }
  }

  /** {@code host:port} as a listen or backend address: IPv6 literals in brackets. */
  public static String address(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Whether {@code text} is a port (1-65535) or an ascending range {@code first-last} of them. */
  static boolean isPortRange(String text) {
    if (!text.matches("\\d{1,5}(-\\d{1,5})?")) {
      return false;
    }
    String[] p = text.split("-");
    int first = Integer.parseInt(p[0]);
    int last = Integer.parseInt(p[p.length - 1]);
    return first >= 1 && last <= 65535 && first <= last;
  }

  private static String unique(String wanted, Set<String> taken) {
    String base = wanted.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
    if (base.isEmpty()) {
      base = "imported";
    }
    base = base.substring(0, Math.min(base.length(), MAX_NAME - 4));
    String name = base;
    for (int n = 2; !taken.add(name); n++) {
      name = base + "-" + n;
    }
    return name;
  }
}
