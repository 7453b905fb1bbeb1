package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.HaproxySections.Line;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A {@code frontend} or {@code listen} section of HAProxy (after its {@code defaults}) as portfw
 * listeners: one per {@code bind} address, forwarding to the pool of its backend, with the
 * client side's timeouts, {@code maxconn}, {@code src} acls and server-name routes.
 */
final class HaproxyFrontend {

  private static final Set<String> IGNORED_BIND_FLAGS = Set.of("v4v6", "v6only");

  private final String name;
  private final LineOutcomes out;
  private final HaproxyAcls acls = new HaproxyAcls();
  private final List<Line> binds = new ArrayList<>();
  private final List<Line> useBackends = new ArrayList<>();
  private final List<Line> connectionRules = new ArrayList<>();
  private final Map<String, HaproxyPool.Timed> timeouts = new LinkedHashMap<>();
  private Line defaultBackend;
  private Line maxconn;
  private Line inspectDelay;
  private Line keepAlive;

  private HaproxyFrontend(String name, LineOutcomes out) {
    this.name = name;
    this.out = out;
  }

  /**
   * Reads {@code lines} (the defaults' then the section's own; {@code header} a listen's, whose
   * address is a bind) and adds its listeners; {@code own} is a listen's own pool, null for a frontend.
   */
  static void of(String name, Line header, List<Line> lines, HaproxyPool own, Map<String, HaproxyPool> pools,
      ConfigDraft draft, LineOutcomes out) {
    HaproxyFrontend f = new HaproxyFrontend(name, out);
    if (header.words().size() > 2) {
      f.binds.add(new Line(header.number(), header.raw(), List.of("bind", header.word(2))));
    }
    for (Line l : lines) {
      f.keyword(l);
    }
    f.write(own, pools, draft);
  }

  private void keyword(Line l) {
    switch (l.keyword()) {
      case "bind" -> binds.add(l);
      case "default_backend" -> defaultBackend = l;
      case "use_backend" -> useBackends.add(l);
      case "acl" -> acls.add(l).ifPresentOrElse(why -> out.dropped(l, why), () -> out.carried(l, "used by the rules"
          + " below"));
      case "maxconn" -> maxconn = l;
      case "timeout" -> {
        if (List.of("client", "client-fin").contains(l.word(1))) {
          OptionalLong ms = ImportDurations.millis(l.word(2), "ms");
          if (ms.isEmpty()) {
            out.dropped(l, "\"" + l.word(2) + "\" is not an HAProxy time");
          } else {
            timeouts.put(l.word(1), new HaproxyPool.Timed(ms.getAsLong(), l));
          }
        }
      }
      case "tcp-request" -> tcpRequest(l);
      case "option" -> {
        switch (l.word(1)) {
          case "tcpka", "clitcpka" -> keepAlive = l;
          case "tcplog", "dontlognull", "httplog", "logasap", "log-separate-errors" -> out.dropped(l,
              "portfw's access log is one setting for the whole config (accessLog); the import does not turn it on");
          default -> { }
        }
      }
      case "log" -> out.dropped(l, "portfw logs to standard error and, with accessLog, one line per connection;"
          + " log targets are not carried");
      case "mode" -> out.carried(l, "mode tcp");
      case "description" -> out.carried(l, "a description");
      default -> { }
    }
  }

  private void tcpRequest(Line l) {
    switch (l.word(1)) {
      case "connection" -> connectionRules.add(l);
      case "inspect-delay" -> inspectDelay = l;
      case "content" -> {
        String rest = String.join(" ", l.words().subList(2, l.words().size()));
        if (rest.matches("accept if \\{ req[._]ssl_hello_type 1 }")) {
          out.carried(l, "a listener with routes waits for the whole ClientHello before it picks");
        } else {
          out.dropped(l, "tcp-request content rules have no portfw form (only routes by server name read the"
              + " first bytes)");
        }
      }
      default -> out.dropped(l, "tcp-request " + l.word(1) + " rules have no portfw form");
    }
  }

  private void write(HaproxyPool own, Map<String, HaproxyPool> pools, ConfigDraft draft) {
    HaproxyPool pool = own;
    if (own == null && defaultBackend != null) {
      pool = pools.get(defaultBackend.word(1));
      if (pool == null) {
        out.dropped(defaultBackend, "no tcp backend named " + defaultBackend.word(1) + " was imported");
      } else {
        out.carried(defaultBackend, "the listeners' pool " + pool.name);
      }
    }
    List<ObjectNode> routes = routes(pools);
    List<String> poolWhy = new ArrayList<>();
    if (pool == null && !routes.isEmpty()) {
      pool = pools.get(routes.get(0).get("backend").asText());
      poolWhy.add("without default_backend HAProxy closes a client no rule matches; portfw sends it to the first"
          + " route's pool " + pool.name);
    }
    routes.forEach(r -> r.remove("backend"));
    if (pool == null || !pool.hasBackends()) {
      String why = pool == null ? "the section has no tcp backend to forward to"
          : "its pool " + pool.name + " has no server that could be imported";
      binds.forEach(b -> out.dropped(b, why));
      return;
    }
    ObjectNode template = draft.root().objectNode();
    List<String> why = new ArrayList<>(poolWhy);
    timeouts(template, pool, why);
    if (maxconn != null) {
      if (maxconn.word(1).matches("\\d{1,8}")) {
        template.putObject("limits").put("maxConnections", Math.min(10_000_000, Integer.parseInt(maxconn.word(1))));
        out.carried(maxconn, "limits.maxConnections " + maxconn.word(1));
      } else {
        out.dropped(maxconn, "maxconn takes a number");
      }
    }
    Line ka = keepAlive != null ? keepAlive : pool.keepAlive;
    if (ka != null) {
      template.putObject("socket").put("keepAlive", true);
      out.carried(ka, "socket.keepAlive on both sides");
    }
    HaproxyConnectionRules.apply(connectionRules, acls, template, out);
    if (!routes.isEmpty()) {
      ArrayNode r = template.putArray("routes");
      routes.forEach(r::add);
      if (inspectDelay != null) {
        OptionalLong ms = ImportDurations.millis(inspectDelay.word(2), "ms");
        if (ms.isPresent() && ms.getAsLong() > 0) {
          template.put("sniTimeout", ImportDurations.text(ms.getAsLong()));
          out.carried(inspectDelay, "sniTimeout " + template.get("sniTimeout").asText());
        } else {
          out.dropped(inspectDelay, "not a time");
        }
      }
    } else if (inspectDelay != null) {
      out.carried(inspectDelay, "nothing: no rule here waits for content");
    }
    for (Line bind : binds) {
      bind(bind, template, pool, why, draft);
    }
  }

  private void timeouts(ObjectNode listener, HaproxyPool pool, List<String> why) {
    ObjectNode t = draft(listener);
    HaproxyPool.Timed connect = pool.timeouts.get("connect");
    if (connect != null) {
      t.put("connect", ImportDurations.text(Math.max(1, connect.millis())));
    }
    HaproxyPool.Timed tunnel = pool.timeouts.get("tunnel");
    HaproxyPool.Timed client = timeouts.get("client");
    HaproxyPool.Timed server = pool.timeouts.get("server");
    if (tunnel != null) {
      t.put("idle", ImportDurations.text(Math.max(1, tunnel.millis())));
      for (HaproxyPool.Timed side : new HaproxyPool.Timed[] {client, server}) {
        if (side != null) {
          out.carried(side.line(), "superseded by timeout tunnel once the connection is made, as in HAProxy");
        }
      }
    } else {
      one(t, "idle", client, server, "client", "server");
    }
    one(t, "fin", timeouts.get("client-fin"), pool.timeouts.get("server-fin"), "client-fin", "server-fin");
    if (t.isEmpty()) {
      listener.remove("timeouts");
    }
  }

  /** portfw has one time for both sides: equal times carry, different ones take the longer. */
  private void one(ObjectNode timeouts, String key, HaproxyPool.Timed a, HaproxyPool.Timed b, String aName,
      String bName) {
    if (a == null && b == null) {
      return;
    }
    long ms = Math.max(a == null ? 0 : a.millis(), b == null ? 0 : b.millis());
    timeouts.put(key, ImportDurations.text(Math.max(1, ms)));
    String became = "timeouts." + key + " " + timeouts.get(key).asText();
    if (a != null && b != null && a.millis() == b.millis()) {
      out.carried(a.line(), became);
      out.carried(b.line(), became);
      return;
    }
    String why = "portfw has one " + key + " time for both sides of a connection: timeout " + aName + " and "
        + bName + (a == null || b == null ? " (only one set)" : " differ") + ", the longer is used";
    for (HaproxyPool.Timed side : new HaproxyPool.Timed[] {a, b}) {
      if (side != null) {
        out.approximated(side.line(), became, why);
      }
    }
  }

  private static ObjectNode draft(ObjectNode listener) {
    return listener.has("timeouts") ? (ObjectNode) listener.get("timeouts") : listener.putObject("timeouts");
  }

  /** Routes by server name, each with the HAProxy backend name in "backend" until the listener's pool is known. */
  private List<ObjectNode> routes(Map<String, HaproxyPool> pools) {
    List<ObjectNode> routes = new ArrayList<>();
    for (Line l : useBackends) {
      HaproxyPool target = pools.get(l.word(1));
      if (target == null) {
        out.dropped(l, "no tcp backend named " + l.word(1) + " was imported");
        continue;
      }
      Optional<HaproxyAcls.Test> test = acls.condition(l.words().subList(2, l.words().size()));
      if (test.isEmpty() || !test.get().fetch().equals("sni") || test.get().negated()) {
        out.dropped(l, "only use_backend by TLS server name (req.ssl_sni, as routes) has a portfw form");
        continue;
      }
      List<String> names = new ArrayList<>();
      for (String serverName : test.get().values()) {
        if (routes.stream().anyMatch(r -> r.get("serverName").asText().equals(serverName))) {
          continue; // an earlier use_backend took this name first, as in HAProxy
        }
        ObjectNode r = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        routes.add(r.put("serverName", serverName).put("pool", target.name).put("backend", l.word(1)));
        names.add(serverName);
      }
      out.carried(l, "routes " + names + " -> pool " + target.name);
    }
    return routes;
  }

  private void bind(Line l, ObjectNode template, HaproxyPool pool, List<String> sectionWhy, ConfigDraft draft) {
    List<String> why = new ArrayList<>(sectionWhy);
    boolean acceptProxy = false;
    for (int i = 2; i < l.words().size(); i++) {
      String flag = l.word(i);
      if (flag.equals("accept-proxy")) {
        acceptProxy = true;
      } else if (flag.equals("ssl") || flag.equals("crt")) {
        out.dropped(l, "TLS termination on a bind (ssl crt ...) is not carried: portfw can terminate TLS (listener"
            + " tls) but the import does not move certificates");
        return;
      } else if (flag.equals("name") || flag.equals("id") || flag.equals("process") || flag.equals("thread")) {
        i++;
      } else if (!IGNORED_BIND_FLAGS.contains(flag)) {
        why.add("the bind option " + flag + " is not carried");
      }
    }
    List<String> listens = new ArrayList<>();
    for (String address : l.word(1).split(",")) {
      String listen = listen(address);
      if (listen == null) {
        why.add("the address " + address + " is not a TCP host:port (or port range) and is left out");
      } else {
        listens.add(listen);
      }
    }
    if (listens.isEmpty()) {
      out.dropped(l, String.join("; ", why));
      return;
    }
    List<String> became = new ArrayList<>();
    for (String listen : listens) {
      ObjectNode listener = draft.addListener(name, "tcp", listen, pool.name);
      listener.setAll(template.deepCopy());
      if (acceptProxy) {
        // HAProxy takes the header from anyone on an accept-proxy bind; portfw needs the senders named.
        listener.putObject("acceptProxyProtocol").putArray("trusted").add("0.0.0.0/0").add("::/0");
      }
      became.add("listener " + listener.get("name").asText() + " (" + listen + ") -> pool " + pool.name);
    }
    if (acceptProxy) {
      why.add("accept-proxy: portfw needs the addresses allowed to send the PROXY header"
          + " (acceptProxyProtocol.trusted); it is set to every address, as HAProxy trusts anyone on this bind:"
          + " narrow it to your load balancers");
    }
    if (why.isEmpty()) {
      out.carried(l, String.join(", ", became));
    } else {
      out.approximated(l, String.join(", ", became), String.join("; ", why));
    }
  }

  /** {@code [ipv4@|ipv6@][HOST]:PORT[-PORT]} as a portfw listen address, or null. */
  static String listen(String address) {
    String a = address.replaceFirst("^ipv[46]@", "").replaceFirst("^tcp[46]?@", "");
    int colon = a.lastIndexOf(':');
    if (colon < 0 || a.contains("@") || a.startsWith("/")) {
      return null;
    }
    String host = a.substring(0, colon);
    String ports = a.substring(colon + 1);
    if (!ConfigDraft.isPortRange(ports)) {
      return null;
    }
    if (host.isEmpty() || host.equals("*")) {
      host = "0.0.0.0";
    } else if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + ports;
  }
}
