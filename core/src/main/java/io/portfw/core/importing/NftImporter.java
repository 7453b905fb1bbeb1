package io.portfw.core.importing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portfw.core.importing.Forwards.Access;
import io.portfw.core.importing.Forwards.Key;
import io.portfw.core.importing.Forwards.PortRange;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of {@code nft -j list ruleset}: {@code dnat} and {@code redirect} statements in nat
 * chains hooked at prerouting (and the chains they jump to), with {@code ip daddr}, {@code ip
 * saddr} (the acl), {@code tcp}/{@code udp}/{@code th dport} matches (numbers, ranges, sets),
 * maps keyed by the destination port, and {@code numgen inc|random} or {@code jhash ip saddr}
 * maps whose entries per backend become its weight. Other rules are reported as dropped.
 */
final class NftImporter implements RuleImporter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Item(int line, String family, String table, JsonNode node) {}

  private final Map<String, JsonNode> chains = new LinkedHashMap<>();
  private final Map<String, List<Item>> rules = new LinkedHashMap<>();
  private final Map<String, JsonNode> named = new LinkedHashMap<>();
  private final Set<Item> reported = new HashSet<>();
  private final Forwards forwards = new Forwards();

  @Override
  public void read(List<String> lines, ConfigDraft draft, ImportReport report) throws ImportException {
    for (Item item : items(String.join("\n", lines))) {
      JsonNode n = item.node();
      String kind = n.fieldNames().hasNext() ? n.fieldNames().next() : "";
      JsonNode v = n.path(kind);
      String id = v.path("family").asText() + " " + v.path("table").asText() + " ";
      switch (kind) {
        case "chain" -> chains.put(id + v.path("name").asText(), v);
        case "rule" -> rules.computeIfAbsent(id + v.path("chain").asText(), c -> new ArrayList<>())
            .add(new Item(item.line(), v.path("family").asText(), v.path("table").asText(), v));
        case "set", "map" -> named.put(id + v.path("name").asText(), v);
        default -> { } // metainfo, table, counters, flowtables: nothing to forward
      }
    }
    if (chains.isEmpty() && rules.isEmpty()) {
      throw new ImportException(0, "the ruleset has no chain: nothing of nft -j list ruleset to import");
    }
    chains.forEach((id, chain) -> {
      if (chain.path("type").asText().equals("nat") && chain.path("hook").asText().equals("prerouting")) {
        walk(id, List.of(), new ArrayDeque<>(List.of(id)), report);
      }
    });
    rules.forEach((id, items) -> items.stream().filter(i -> !reported.contains(i)).forEach(i ->
        report.dropped(i.line(), text(i), unreached(chains.get(id)))));
    forwards.write(draft, report);
    if (forwards.isEmpty()) {
      report.note("no dnat or redirect in a nat chain hooked at prerouting (or a chain it jumps to): nothing to forward");
    }
  }

  /** The elements of the top-level "nftables" array, each with the line it starts on. */
  private static List<Item> items(String text) throws ImportException {
    List<Item> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ImportException(1, "not the JSON of nft -j list ruleset: it does not start with {");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("nftables")) {
          p.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          throw new ImportException(p.currentLocation().getLineNr(), "\"nftables\" must be an array");
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
          int line = p.currentTokenLocation().getLineNr();
          JsonNode element = p.readValueAsTree();
          if (element == null || !element.isObject()) {
            throw new ImportException(line, "an element of \"nftables\" must be an object such as {\"rule\": {...}}");
          }
          out.add(new Item(line, "", "", element));
        }
        return out;
      }
      throw new ImportException(0, "not the JSON of nft -j list ruleset: no \"nftables\" array");
    } catch (JsonProcessingException e) {
      throw new ImportException(e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ImportException(0, "cannot read the JSON: " + e.getMessage());
    }
  }

  private void walk(String chain, List<JsonNode> inherited, Deque<String> path, ImportReport report) {
    for (Item item : rules.getOrDefault(chain, List.of())) {
      boolean first = reported.add(item);
      List<JsonNode> matches = new ArrayList<>(inherited);
      JsonNode action = null;
      for (JsonNode e : item.node().path("expr")) {
        if (e.has("match")) {
          matches.add(e.get("match"));
        } else if (action == null && (e.has("dnat") || e.has("redirect") || e.has("jump") || e.has("goto"))) {
          action = e;
        }
      }
      String target = action == null ? null : action.path(action.has("jump") ? "jump" : "goto").path("target").asText(null);
      String id = item.family() + " " + item.table() + " " + target;
      if (target != null && chains.containsKey(id)) {
        if (path.contains(id)) {
          report.dropped(item.line(), text(item), "it jumps back to chain " + target + " on the way there: a loop");
        } else {
          if (first) {
            report.carried(item.line(), text(item), "its matches go on to the rules of chain " + target);
          }
          path.push(id);
          walk(id, matches, path, report);
          path.pop();
        }
      } else if (action != null && (action.has("dnat") || action.has("redirect"))) {
        forward(item, matches, action, report);
      } else if (first) {
        report.dropped(item.line(), text(item), "it does not forward (no dnat or redirect); portfw forwards, it does"
            + " not filter, mark or count");
      }
    }
  }

  private static String unreached(JsonNode chain) {
    if (chain == null) {
      return "its chain is not in the ruleset";
    }
    String type = chain.path("type").asText();
    String hook = chain.path("hook").asText();
    if (type.equals("nat") && hook.equals("postrouting")) {
      return "source NAT: portfw connects to its backends from its own address anyway";
    }
    if (type.equals("nat") && hook.equals("output")) {
      return "a nat output chain rewrites connections this host opens itself; portfw serves connections that arrive";
    }
    if (!type.isEmpty()) {
      return "a " + type + " chain at " + hook + ": portfw forwards, it does not filter (a listener's acl and limits"
          + " are its filters)";
    }
    return "chain " + chain.path("name").asText() + " is not reached from a nat prerouting chain";
  }

  private void forward(Item item, List<JsonNode> matchList, JsonNode action, ImportReport report) {
    NftMatches m = new NftMatches(right -> values(item, right));
    for (JsonNode match : matchList) {
      m.read(match);
    }
    if (m.dropWhy != null) {
      report.dropped(item.line(), text(item), m.dropWhy);
      return;
    }
    boolean redirect = action.has("redirect");
    JsonNode stmt = action.get(redirect ? "redirect" : "dnat");
    boolean v6 = item.family().equals("ip6") || stmt.path("family").asText().equals("ip6")
        || m.host != null && m.host.contains(":");
    String host = m.host != null ? m.host : v6 ? "::" : "0.0.0.0";
    Access access = new Access(m.allow, m.deny);
    JsonNode addr = redirect ? JSON.getNodeFactory().textNode(v6 ? "::1" : "127.0.0.1") : stmt.path("addr");
    JsonNode map = addr.path("map");
    JsonNode keyed = map.path("key");
    if (keyed.has("payload") && keyed.get("payload").path("field").asText().equals("dport")) {
      portMap(item, m, host, access, keyed.get("payload").path("protocol").asText(), entries(item, map.path("data")),
          stmt, report);
      return;
    }
    if (m.protocols.isEmpty() || m.ports.isEmpty()) {
      report.dropped(item.line(), text(item), m.protocols.isEmpty() ? "it matches no tcp or udp: portfw forwards a"
          + " protocol's ports, not a whole address" : "it has no dport: portfw forwards ports, not a whole address");
      return;
    }
    if (redirect && !stmt.has("port")) {
      report.dropped(item.line(), text(item), "redirect without a port keeps the port: portfw would forward to itself");
      return;
    }
    int port = port(stmt.path("port"), m.ports, m.approximations);
    if (port < 0) {
      report.dropped(item.line(), text(item), "its port is not a number or a range of numbers");
      return;
    }
    Map<String, Double> backends = new LinkedHashMap<>();
    double probability = 1;
    String balance = null;
    if (addr.isTextual()) {
      backends.put(Forwards.backend(addr.asText(), port), 1.0);
    } else if (keyed.has("numgen") || keyed.has("jhash")) {
      JsonNode gen = keyed.has("numgen") ? keyed.get("numgen") : keyed.get("jhash");
      int mod = gen.path("mod").asInt(0);
      int offset = gen.path("offset").asInt(0);
      if (mod < 1 || mod > 65536) {
        report.dropped(item.line(), text(item), "its mod is not a count from 1 to 65536");
        return;
      }
      Map<String, Integer> counts = new LinkedHashMap<>();
      int covered = 0;
      for (JsonNode[] e : entries(item, map.path("data"))) {
        int[] r = NftMatches.range(e[0]);
        int n = r == null ? 0 : Math.max(0, Math.min(r[1], offset + mod - 1) - Math.max(r[0], offset) + 1);
        String backend = backend(e[1], port);
        if (n > 0 && backend != null) {
          counts.merge(backend, n, Integer::sum);
          covered += n;
        }
      }
      if (covered == 0) {
        report.dropped(item.line(), text(item), "its map gives no address for any value of the " + (keyed.has("numgen")
            ? "numgen" : "jhash"));
        return;
      }
      int total = covered;
      counts.forEach((b, n) -> backends.put(b, (double) n / total));
      probability = (double) covered / mod; // a value without an entry matches nothing: the rule is passed
      if (keyed.has("numgen")) {
        balance = gen.path("mode").asText().equals("random") ? "random" : "round-robin";
      } else {
        balance = "source-hash";
        JsonNode hashed = gen.path("expr").path("payload");
        if (!hashed.path("field").asText().equals("saddr")) {
          m.approximations.add("the kernel hashes " + NftText.value(gen.path("expr")) + "; portfw hashes the client's"
              + " address");
        }
      }
    } else {
      report.dropped(item.line(), text(item), "its address is " + NftText.value(addr) + ": portfw reads an address, a"
          + " map keyed by the destination port, or a numgen or jhash map");
      return;
    }
    for (String protocol : m.protocols) {
      forwards.add(new Forwards.Rule(item.line(), text(item), new Key(protocol, host, m.ports), access, probability,
          balance, backends, 0, m.approximations), report);
    }
  }

  /** {@code dnat to tcp dport map { 80 : 10.0.0.1 . 8080 }}: a forward per entry. */
  private void portMap(Item item, NftMatches m, String host, Access access, String keyProtocol, List<JsonNode[]> entries,
      JsonNode stmt, ImportReport report) {
    Set<String> protocols = keyProtocol.equals("th") ? m.protocols : Set.of(keyProtocol);
    if (protocols.isEmpty() || entries.isEmpty()) {
      report.dropped(item.line(), text(item), protocols.isEmpty() ? "its map is keyed by th dport and no match says"
          + " tcp or udp" : "its map has no entries");
      return;
    }
    for (JsonNode[] e : entries) {
      int[] r = NftMatches.range(e[0]);
      List<PortRange> ports = r == null ? null : List.of(new PortRange(r[0], r[1]));
      List<String> approximations = new ArrayList<>(m.approximations);
      int port = ports == null ? -1 : port(stmt.path("port"), ports, approximations);
      String backend = port < 0 || r[0] < 1 || r[1] > 65535 ? null : backend(e[1], port);
      if (backend == null) {
        report.dropped(item.line(), text(item), "its map entry " + NftText.value(e[0]) + " : " + NftText.value(e[1])
            + " is not a port to an address (with a port)");
        continue;
      }
      for (String protocol : protocols) {
        forwards.add(new Forwards.Rule(item.line(), text(item), new Key(protocol, host, ports), access, 1, null,
            Map.of(backend, 1.0), 0, approximations), report);
      }
    }
  }

  /** The port a backend gets: 0 to keep the client's (none, or a range equal to the listened one); -1 unreadable. */
  private static int port(JsonNode port, List<PortRange> listened, List<String> approximations) {
    if (port.isMissingNode()) {
      return 0;
    }
    int[] r = NftMatches.range(port);
    if (r == null || r[0] < 1 || r[1] > 65535) {
      return -1;
    }
    if (listened.size() == 1 && listened.get(0).equals(new PortRange(r[0], r[1]))) {
      return 0;
    }
    if (r[1] > r[0]) {
      approximations.add("the kernel picks a port of " + r[0] + "-" + r[1] + "; portfw sends to " + r[0]);
    }
    return r[0];
  }

  /** A map value as a backend: an address, or address . port; null when neither. */
  private static String backend(JsonNode value, int port) {
    if (value.isTextual()) {
      return Forwards.backend(value.asText(), port);
    }
    JsonNode concat = value.path("concat");
    if (concat.size() == 2 && concat.get(0).isTextual()) {
      int[] r = NftMatches.range(concat.get(1));
      return r == null || r[0] != r[1] || r[0] < 1 || r[0] > 65535 ? null : Forwards.backend(concat.get(0).asText(), r[0]);
    }
    return null;
  }

  /** The entries of a map's data: an anonymous {"set": [[k, v], ...]} or a named "@map". */
  private List<JsonNode[]> entries(Item item, JsonNode data) {
    JsonNode list = data.isTextual() && data.asText().startsWith("@")
        ? named.getOrDefault(item.family() + " " + item.table() + " " + data.asText().substring(1), JSON.nullNode())
            .path("elem")
        : data.path("set");
    List<JsonNode[]> out = new ArrayList<>();
    for (JsonNode e : list) {
      if (e.isArray() && e.size() == 2) {
        out.add(new JsonNode[] {NftMatches.unwrap(e.get(0)), NftMatches.unwrap(e.get(1))});
      }
    }
    return out;
  }

  /** The values a match's right side stands for: one value, a set's elements, or a named set's. */
  private List<JsonNode> values(Item item, JsonNode right) {
    JsonNode list = right.isTextual() && right.asText().startsWith("@")
        ? named.getOrDefault(item.family() + " " + item.table() + " " + right.asText().substring(1), JSON.nullNode())
            .path("elem")
        : right.has("set") ? right.get("set") : null;
    List<JsonNode> out = new ArrayList<>();
    if (list == null) {
      out.add(right);
    } else {
      list.forEach(e -> out.add(NftMatches.unwrap(e)));
    }
    return out;
  }

  private static String text(Item item) {
    return NftText.rule(item.node().path("family").asText(), item.node().path("table").asText(),
        item.node().path("chain").asText(), item.node().path("expr"));
  }
}
