package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.HaproxySections.Line;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A {@code backend} or {@code listen} section of HAProxy (after its {@code defaults}) as a portfw
 * pool: servers, balance, health checks, stickiness, PROXY protocol, slow start, retries, and the
 * backend timeouts its listeners take over.
 */
final class HaproxyPool {

  /** A time an HAProxy line set, in milliseconds. */
  record Timed(long millis, Line line) {}

  private static final int MAX_RETRIES = 100;

  final String name;
  final ObjectNode node;
  /** connect, server, tunnel, server-fin: for the listeners that forward here. */
  final Map<String, Timed> timeouts = new HashMap<>();
  Line keepAlive;

  private final LineOutcomes out;
  private final ConfigDraft draft;
  private final List<HaproxyServer> servers = new ArrayList<>();
  private final List<Line> tcpChecks = new ArrayList<>();
  private final List<Line> httpChecks = new ArrayList<>();
  private Line httpchk;
  private Line stickTable;
  private Line stick;
  private Timed queueTimeout;
  private Timed checkTimeout;

  private HaproxyPool(ConfigDraft draft, ObjectNode node, LineOutcomes out) {
    this.draft = draft;
    this.node = node;
    this.name = node.get("name").asText();
    this.out = out;
  }

  /** Reads {@code lines} (the defaults' then the section's own) into a new pool of {@code draft}. */
  static HaproxyPool of(String wanted, List<Line> lines, ConfigDraft draft, LineOutcomes out) throws ImportException {
    HaproxyPool pool = new HaproxyPool(draft, draft.addPool(wanted), out);
    List<String> defaultServer = new ArrayList<>();
    for (Line l : lines) {
      switch (l.keyword()) {
        case "balance" -> pool.balance(l);
        case "default-server" -> {
          defaultServer.addAll(l.words().subList(1, l.words().size()));
          out.carried(l, "params of the servers after it");
        }
        case "server" -> pool.servers.add(HaproxyServer.of(l, defaultServer));
        case "retries" -> pool.retries(l);
        case "timeout" -> pool.timeout(l);
        case "option" -> pool.option(l);
        case "tcp-check" -> pool.tcpChecks.add(l);
        case "http-check" -> pool.httpChecks.add(l);
        case "stick-table" -> pool.stickTable = l;
        case "stick" -> pool.stick = l;
        case "hash-type" -> {
          if (l.word(1).equals("consistent")) {
            out.carried(l, "pool " + pool.name + ": source-hash is consistent (Maglev) in portfw");
          } else {
            out.approximated(l, "pool " + pool.name + ": source-hash",
                "portfw's source hash is always consistent (Maglev): " + l.word(1) + " is not carried");
          }
        }
        default -> { } // a listener's keyword, or unknown: the importer reports what no one took
      }
    }
    if (pool.servers.isEmpty()) {
      return pool;
    }
    pool.servers();
    pool.health();
    pool.sticky();
    return pool;
  }

  boolean hasBackends() {
    return ((ArrayNode) node.get("backends")).size() > 0;
  }

  private void balance(Line l) {
    String b = l.word(1);
    String became = "pool " + name + ": balance ";
    switch (b) {
      case "roundrobin", "static-rr" -> out.carried(l, became + "round-robin (smooth weighted)");
      case "leastconn" -> {
        node.put("balance", "least-connections");
        out.carried(l, became + "least-connections");
      }
      case "source" -> {
        node.put("balance", "source-hash");
        out.carried(l, became + "source-hash");
      }
      case "random", "random(2)" -> {
        node.put("balance", "power-of-two");
        out.carried(l, became + "power-of-two (HAProxy's random draws two and takes the less loaded)");
      }
      case "random(1)" -> {
        node.put("balance", "random");
        out.carried(l, became + "random");
      }
      default -> {
        if (b.matches("random\\(\\d+\\)")) {
          node.put("balance", "power-of-two");
          out.approximated(l, became + "power-of-two", "portfw draws two backends, not " + b.replaceAll("\\D", ""));
        } else {
          out.approximated(l, became + "round-robin", "the algorithm " + b + " has no portfw form (it reads"
              + " HTTP or the first bytes, or keeps a fixed order): round robin is used");
        }
      }
    }
  }

  private void retries(Line l) {
    if (!l.word(1).matches("\\d{1,6}")) {
      out.dropped(l, "retries takes a number");
      return;
    }
    int n = Math.min(MAX_RETRIES, Integer.parseInt(l.word(1)));
    node.put("retries", n);
    out.approximated(l, "pool " + name + ": retries " + n, "HAProxy retries the same server (option redispatch"
        + " moves the last try); portfw tries another backend each time, never one already tried");
  }

  private void timeout(Line l) {
    String kind = l.word(1);
    OptionalLong ms = ImportDurations.millis(l.word(2), "ms");
    if (!List.of("connect", "server", "tunnel", "server-fin", "queue", "check").contains(kind)) {
      return; // the listener's (client, client-fin) or reported as unknown
    }
    if (ms.isEmpty()) {
      out.dropped(l, "\"" + l.word(2) + "\" is not an HAProxy time");
      return;
    }
    Timed t = new Timed(ms.getAsLong(), l);
    switch (kind) {
      case "queue" -> queueTimeout = t;
      case "check" -> checkTimeout = t;
      default -> {
        timeouts.put(kind, t);
        out.carried(l, "taken by the listeners that forward to pool " + name);
      }
    }
  }

  private void option(Line l) {
    switch (l.word(1)) {
      case "httpchk" -> httpchk = l;
      case "tcp-check" -> out.carried(l, "pool " + name + ": the tcp-check rules below it");
      case "redispatch" -> out.carried(l, "pool " + name + ": a failed connect moves to another backend (retries)");
      case "srvtcpka", "tcpka" -> {
        keepAlive = l;
        out.carried(l, "socket.keepAlive on the listeners that forward to pool " + name);
      }
      case "allbackups" -> out.approximated(l, "pool " + name + ": backups",
          "portfw balances over the backups too when no primary is left, as allbackups does");
      case "log-health-checks" -> out.carried(l, "portfw logs every health state change");
      default -> { }
    }
  }

  private void servers() {
    String proxyProtocol = null;
    Line proxyFrom = null;
    String slowStart = null;
    boolean queue = false;
    for (HaproxyServer s : servers) {
      List<String> why = new ArrayList<>();
      String[] bad = new String[1];
      String address = s.backendAddress(bad);
      if (address == null) {
        out.dropped(s.line(), bad[0]);
        continue;
      }
      if (((ArrayNode) node.get("backends")).findValues("address").stream().anyMatch(a -> a.asText().equals(address))) {
        out.dropped(s.line(), "the address " + address + " is already a backend of pool " + name);
        continue;
      }
      ObjectNode b = draft.addBackend(node, address);
      Map<String, String> p = s.params();
      if (p.containsKey("weight")) {
        b.put("weight", intParam(p.get("weight"), 0, 256, "weight", why, 1));
      }
      if (p.containsKey("maxconn")) {
        b.put("maxConnections", intParam(p.get("maxconn"), 0, 10_000_000, "maxconn", why, 0));
        queue |= b.get("maxConnections").asInt() > 0;
      }
      if (p.containsKey("backup")) {
        b.put("backup", true);
      }
      if (p.containsKey("disabled")) {
        b.put("weight", 0);
        why.add("disabled (maintenance) becomes weight 0: no new connections until the weight is raised");
      }
      String pp = p.containsKey("send-proxy-v2") ? "v2" : p.containsKey("send-proxy") ? "v1" : "none";
      if (proxyFrom == null) {
        proxyProtocol = pp;
        proxyFrom = s.line();
        if (!pp.equals("none")) {
          node.put("proxyProtocol", pp);
        }
      } else if (!pp.equals(proxyProtocol)) {
        why.add("portfw sends the PROXY header per pool: this server gets "
            + (proxyProtocol.equals("none") ? "none" : proxyProtocol) + " as the first server of the pool does, not "
            + pp);
      }
      if (p.containsKey("slowstart")) {
        OptionalLong ms = ImportDurations.millis(p.get("slowstart"), "ms");
        String text = ms.isPresent() ? ImportDurations.text(ms.getAsLong()) : null;
        if (text == null) {
          why.add("slowstart " + p.get("slowstart") + " is not a time");
        } else if (slowStart == null) {
          slowStart = text;
          node.put("slowStart", text);
        } else if (!slowStart.equals(text)) {
          why.add("portfw's slowStart is per pool: " + slowStart + " as on the first server, not " + text);
        }
      }
      s.unknown().forEach(u -> why.add("the server param " + u + " is not carried"));
      String became = "pool " + name + ": backend " + b;
      if (why.isEmpty()) {
        out.carried(s.line(), became);
      } else {
        out.approximated(s.line(), became, String.join("; ", why));
      }
    }
    if (queue) {
      ObjectNode q = node.putObject("queue").put("max", 1_000_000);
      Timed t = queueTimeout != null ? queueTimeout : timeouts.get("connect");
      if (t != null) {
        q.put("timeout", ImportDurations.text(t.millis()));
      }
      if (queueTimeout != null) {
        out.carried(queueTimeout.line(), "pool " + name + ": queue.timeout " + q.get("timeout").asText());
      }
    } else if (queueTimeout != null) {
      out.carried(queueTimeout.line(), "nothing: no server of pool " + name + " has a maxconn, so none queues");
    }
  }

  private static int intParam(String value, int min, int max, String what, List<String> why, int fallback) {
    if (!value.matches("\\d{1,9}")) {
      why.add(what + " " + value + " is not a number: " + fallback + " is used");
      return fallback;
    }
    int n = Integer.parseInt(value);
    if (n < min || n > max) {
      int clamped = Math.max(min, Math.min(max, n));
      why.add(what + " " + n + " is outside portfw's " + min + "-" + max + ": " + clamped + " is used");
      return clamped;
    }
    return n;
  }

  private void health() {
    List<HaproxyServer> checked = servers.stream().filter(s -> s.params().containsKey("check")).toList();
    List<Line> rules = new ArrayList<>(tcpChecks);
    rules.addAll(httpChecks);
    if (httpchk != null) {
      rules.add(httpchk);
    }
    if (checkTimeout != null) {
      rules.add(checkTimeout.line());
    }
    if (checked.isEmpty()) {
      rules.forEach(l -> out.carried(l, "nothing: no server of pool " + name + " has check, so HAProxy runs none"));
      return;
    }
    ObjectNode health = HaproxyHealth.build(node, httpchk, tcpChecks, httpChecks, name, out);
    HaproxyServer first = checked.get(0);
    for (HaproxyServer s : servers) {
      String became = "pool " + name + ": health " + health;
      if (!s.params().containsKey("check")) {
        out.approximated(s.line(), became, "HAProxy does not check this server; portfw checks every backend of a pool");
        continue;
      }
      for (String key : List.of("inter", "rise", "fall", "port")) {
        String value = s.params().get(key);
        String firstValue = first.params().get(key);
        if (s == first && value != null) {
          set(health, key, value, s.line());
        } else if (value != null ? !value.equals(firstValue) : firstValue != null) {
          out.approximated(s.line(), became, "portfw's health settings are per pool: " + key + " "
              + (firstValue == null ? "unset" : firstValue) + " as on the first checked server");
        }
      }
    }
    if (checkTimeout != null) {
      health.put("timeout", ImportDurations.text(Math.max(1, checkTimeout.millis())));
      out.carried(checkTimeout.line(), "pool " + name + ": health.timeout " + health.get("timeout").asText());
    }
  }

  private void set(ObjectNode health, String key, String value, Line line) {
    switch (key) {
      case "inter" -> {
        OptionalLong ms = ImportDurations.millis(value, "ms");
        if (ms.isPresent() && ms.getAsLong() >= 50) {
          health.put("interval", ImportDurations.text(ms.getAsLong()));
        } else {
          out.approximated(line, "pool " + name + ": health.interval 2s", "inter " + value
              + " is not a time of at least 50ms");
        }
      }
      case "port" -> {
        if (value.matches("\\d{1,5}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 65535) {
          health.put("port", Integer.parseInt(value));
        } else {
          out.approximated(line, "pool " + name + ": health on the traffic port", "port " + value + " is not a port");
        }
      }
      default -> {
        if (value.matches("\\d{1,3}") && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 100) {
          health.put(key, Integer.parseInt(value));
        } else {
          out.approximated(line, "pool " + name + ": health." + key + " default", key + " " + value
              + " is outside portfw's 1-100");
        }
      }
    }
  }

  private void sticky() {
    if (stick == null) {
      if (stickTable != null) {
        out.dropped(stickTable, "no stick rule uses it here (a table only tracking counters has no portfw form)");
      }
      return;
    }
    boolean onSource = (stick.word(1).equals("on") || stick.word(1).equals("match")
        || stick.word(1).startsWith("store")) && stick.word(2).equals("src");
    if (!onSource) {
      out.dropped(stick, "only stickiness on the client address (stick on src) has a portfw form");
      return;
    }
    ObjectNode sticky = node.putObject("sticky");
    out.carried(stick, "pool " + name + ": sticky on the client address");
    if (stickTable == null) {
      return;
    }
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i + 1 < stickTable.words().size(); i += 2) {
      opts.put(stickTable.word(i), stickTable.word(i + 1));
    }
    List<String> why = new ArrayList<>();
    if (!List.of("ip", "ipv6").contains(opts.getOrDefault("type", ""))) {
      why.add("the table's type " + opts.get("type") + " is not an address; portfw keys by the client address");
    }
    String size = opts.getOrDefault("size", "");
    if (size.matches("\\d+[kmg]?")) {
      long n = Long.parseLong(size.replaceAll("\\D", ""))
          * (size.endsWith("k") ? 1024 : size.endsWith("m") ? 1024 * 1024 : size.endsWith("g") ? 1 << 30 : 1);
      sticky.put("maxEntries", Math.max(1, Math.min(10_000_000, n)));
    }
    OptionalLong expire = opts.containsKey("expire") ? ImportDurations.millis(opts.get("expire"), "ms")
        : OptionalLong.empty();
    if (expire.isPresent() && expire.getAsLong() >= 1) {
      sticky.put("ttl", ImportDurations.text(expire.getAsLong()));
    } else {
      why.add("without expire HAProxy keeps a client until the table is full; portfw forgets it after ttl 30m");
    }
    String became = "pool " + name + ": sticky " + sticky;
    if (why.isEmpty()) {
      out.carried(stickTable, became);
    } else {
      out.approximated(stickTable, became, String.join("; ", why));
    }
  }
}
