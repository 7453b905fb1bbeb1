package io.portfw.core.importing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code server NAME ADDRESS [params]} line of HAProxy, with the {@code default-server}
 * params before it: its address as portfw writes it, and its params by name (a flag maps to "").
 */
record HaproxyServer(HaproxySections.Line line, String name, String address, Map<String, String> params,
    List<String> unknown) {

  /** Params that take a value; every other word is a flag. */
  private static final Set<String> VALUED = Set.of("weight", "maxconn", "minconn", "maxqueue", "inter", "fastinter",
      "downinter", "rise", "fall", "slowstart", "port", "addr", "id", "cookie", "on-error", "on-marked-down",
      "on-marked-up", "error-limit", "observe", "resolvers", "init-addr", "resolve-prefer", "sni", "verify",
      "ca-file", "crt", "check-sni", "agent-port", "agent-inter", "agent-send", "alpn", "proto", "source",
      "pool-max-conn", "pool-purge-delay", "max-reuse", "namespace", "track", "redir", "tcp-ut", "ws", "guid",
      "log-proto", "set-proxy-v2-tlv-fmt", "hash-key", "shard", "usesrc", "proxy-v2-options", "ciphers",
      "ciphersuites", "sigalgs", "curves", "ssl-min-ver", "ssl-max-ver", "crl-file", "npn", "check-alpn",
      "check-proto", "resolve-opts", "resolve-net", "socks4", "agent-addr", "tfo", "mark", "tos");

  /** Params the import carries or reports on its own. */
  static final Set<String> KNOWN = Set.of("weight", "maxconn", "inter", "rise", "fall", "slowstart", "port",
      "backup", "check", "send-proxy", "send-proxy-v2", "disabled", "enabled", "no-check", "no-backup",
      "no-send-proxy", "no-send-proxy-v2");

  /** The server of {@code line} with {@code defaults} (the words of default-server lines before it) applied. */
  static HaproxyServer of(HaproxySections.Line line, List<String> defaults) throws ImportException {
    if (line.words().size() < 3) {
      throw new ImportException(line.number(), "a server line is: server NAME ADDRESS[:PORT] [params]");
    }
    Map<String, String> params = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    List<String> words = new ArrayList<>(defaults);
    words.addAll(line.words().subList(3, line.words().size()));
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (VALUED.contains(w)) {
        if (i + 1 >= words.size()) {
          throw new ImportException(line.number(), "the server param " + w + " needs a value");
        }
        params.put(w, words.get(++i));
      } else {
        params.put(w, "");
      }
      if (!KNOWN.contains(w) && !unknown.contains(w)) {
        unknown.add(w);
      }
    }
    // "no-X" turns a default-server flag back off.
    List.copyOf(params.keySet()).stream().filter(k -> k.startsWith("no-")).forEach(k -> {
      params.remove(k);
      params.remove(k.substring(3));
    });
    if (params.containsKey("enabled")) {
      params.remove("disabled");
    }
    return new HaproxyServer(line, line.word(1), line.word(2), params, unknown);
  }

  /** The address as portfw writes a backend, or null with {@code why[0]} when it cannot be carried. */
  String backendAddress(String[] why) {
    String a = address.replaceFirst("^ipv[46]@", "");
    if (a.startsWith("/") || a.matches("^(unix|abns|abnsz|sockpair|fd|quic4|quic6|udp|udp4|udp6|rhttp)@.*")) {
      why[0] = "the address " + address + " is not a TCP host and port";
      return null;
    }
    if (a.startsWith("[")) {
      return a;
    }
    int colon = a.lastIndexOf(':');
    if (colon < 0) {
      return a;
    }
    String host = a.substring(0, colon);
    String port = a.substring(colon + 1);
    if (port.isEmpty()) {
      return host;
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      why[0] = port.matches("[+-]\\d+") ? "a port offset (" + port + ") from the client's port has no portfw form"
          : "the port " + port + " is not a number in 1-65535";
      return null;
    }
    return ConfigDraft.address(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(port));
  }
}
