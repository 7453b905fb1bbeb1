package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.NginxDirectives.Directive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An nginx stream {@code server { ... }} as portfw listeners, one per {@code listen}, forwarding
 * to the pool its {@code proxy_pass} names: an upstream, an address (a pool of its own), or a
 * variable a {@code map $ssl_preread_server_name} sets (routes by server name). Directives of the
 * stream block apply where the server does not set them, as nginx inherits them.
 */
final class NginxServer {

  private final Directive server;
  private final Map<String, Directive> settings = new LinkedHashMap<>();
  private final List<Directive> access = new ArrayList<>();
  private final List<Directive> listens = new ArrayList<>();
  private final Map<String, NginxUpstream> upstreams;
  private final Map<String, Directive> maps;
  private final ConfigDraft draft;
  private final LineOutcomes out;

  private NginxServer(Directive server, Map<String, NginxUpstream> upstreams, Map<String, Directive> maps,
      ConfigDraft draft, LineOutcomes out) {
    this.server = server;
    this.upstreams = upstreams;
    this.maps = maps;
    this.draft = draft;
    this.out = out;
  }

  static void of(Directive server, List<Directive> inherited, Map<String, NginxUpstream> upstreams,
      Map<String, Directive> maps, ConfigDraft draft, LineOutcomes out) {
    NginxServer s = new NginxServer(server, upstreams, maps, draft, out);
    List<Directive> inheritedAccess = new ArrayList<>();
    for (Directive d : inherited) {
      if (d.name().equals("allow") || d.name().equals("deny")) {
        inheritedAccess.add(d);
      } else {
        s.settings.put(d.name(), d);
      }
    }
    for (Directive d : server.block()) {
      switch (d.name()) {
        case "listen" -> s.listens.add(d);
        case "allow", "deny" -> s.access.add(d);
        default -> s.settings.put(d.name(), d);
      }
    }
    if (s.access.isEmpty()) {
      s.access.addAll(inheritedAccess); // nginx inherits the stream's rules only when the server has none
    }
    s.write();
  }

  private void write() {
    Directive pass = settings.get("proxy_pass");
    if (pass == null || listens.isEmpty()) {
      dropAll(pass == null ? "a server without proxy_pass forwards nothing" : "a server without listen takes no one");
      return;
    }
    ObjectNode template = JsonNodeFactory.instance.objectNode();
    if (!NginxAccess.apply(access, template, out)) {
      dropAll("its allow/deny rules cannot be carried without changing who gets in (see their lines); the server is"
          + " left out rather than opened wider");
      return;
    }
    NginxUpstream pool = target(pass, template);
    if (pool == null) {
      return;
    }
    boolean udp = listens.stream().anyMatch(l -> l.args().contains("udp"));
    settings(template, pool, udp);
    Directive pp = settings.get("proxy_protocol");
    if (pp == null || !pp.arg(0).equals("on")) {
      if ("v1".equals(pool.proxyProtocol)) {
        out.approximated(pass.line(), pass.raw(), "pool " + pool.name + " with its PROXY header",
            "another server of this pool sends the PROXY header (proxy_protocol on) and portfw sets it per pool");
      } else {
        pool.proxyProtocol = "none";
      }
    }
    int before = draft.listenerCount();
    for (Directive listen : listens) {
      listen(listen, template, pool);
    }
    if (draft.listenerCount() > before) {
      out.carried(server.line(), server.raw(), "listeners for its listen lines");
    } else {
      out.dropped(server.line(), server.raw(), "none of its listen lines could be carried");
    }
  }

  private void dropAll(String why) {
    out.dropped(server.line(), server.raw(), why);
    for (Directive d : server.block()) {
      out.dropped(d.line(), d.raw(), "part of the server on line " + server.line() + ", left out");
    }
  }

  /** The pool of proxy_pass (and routes for a map variable), or null when the server is dropped. */
  private NginxUpstream target(Directive pass, ObjectNode template) {
    String to = pass.arg(0);
    if (to.startsWith("$")) {
      Directive map = maps.get(to);
      if (map == null) {
        dropAll("proxy_pass " + to + ": no map $ssl_preread_server_name sets that variable");
        return null;
      }
      return routes(map, pass, template);
    }
    NginxUpstream pool = pool(to);
    if (pool == null) {
      dropAll("proxy_pass " + to + " is neither an upstream nor a host:port");
      return null;
    }
    out.carried(pass.line(), pass.raw(), "the listeners' pool " + pool.name);
    return pool;
  }

  private NginxUpstream pool(String to) {
    NginxUpstream upstream = upstreams.get(to);
    if (upstream != null) {
      return upstream.hasBackends() ? upstream : null;
    }
    String address = NginxUpstream.backendAddress(to);
    if (address == null || !to.contains(":")) {
      return null; // nginx reads a bare name as an upstream; none has it
    }
    String key = "address " + address;
    NginxUpstream own = upstreams.get(key);
    if (own == null) {
      ObjectNode node = draft.addPool(address.replace(':', '-').replace("[", "").replace("]", ""));
      draft.addBackend(node, address);
      own = NginxUpstream.ofNode(node);
      upstreams.put(key, own);
    }
    return own;
  }

  private NginxUpstream routes(Directive map, Directive pass, ObjectNode template) {
    ArrayNode routes = template.putArray("routes");
    NginxUpstream fallback = NginxServerNameMap.read(map, this::pool, routes, out);
    if (fallback == null) {
      if (routes.isEmpty()) {
        dropAll("its map " + map.arg(1) + " has no entry portfw can route by");
        return null;
      }
      String first = routes.get(0).get("pool").asText();
      fallback = upstreams.values().stream().filter(u -> u.name.equals(first)).findFirst().orElseThrow();
      out.approximated(pass.line(), pass.raw(), "the listeners' pool " + first + " for names the map lacks",
          "without a default nginx closes such a client; portfw sends it to the first route's pool");
    } else {
      out.carried(pass.line(), pass.raw(), "routes by server name (the map on line " + map.line() + ")");
    }
    if (routes.isEmpty()) {
      template.remove("routes");
    }
    return fallback;
  }

  private void settings(ObjectNode template, NginxUpstream pool, boolean udp) {
    ObjectNode timeouts = template.putObject("timeouts");
    for (Directive d : settings.values()) {
      String became = null;
      String why = "";
      switch (d.name()) {
        case "proxy_pass" -> {
          continue; // the target, read before
        }
        case "proxy_timeout" -> {
          OptionalLong ms = NginxTimes.millis(d.arg(0));
          if (ms.isPresent()) {
            String t = ImportDurations.text(Math.max(1, ms.getAsLong()));
            if (udp) {
              template.put("sessionIdle", t);
            } else {
              timeouts.put("idle", t);
            }
            became = (udp ? "sessionIdle " : "timeouts.idle ") + t;
          }
        }
        case "proxy_connect_timeout" -> {
          OptionalLong ms = NginxTimes.millis(d.arg(0));
          if (ms.isPresent()) {
            timeouts.put("connect", ImportDurations.text(Math.max(1, ms.getAsLong())));
            became = "timeouts.connect " + timeouts.get("connect").asText();
          }
        }
        case "proxy_next_upstream_tries" -> {
          if (d.arg(0).matches("\\d{1,6}")) {
            int tries = Integer.parseInt(d.arg(0));
            int retries = tries == 0 ? 100 : Math.min(100, tries - 1);
            pool.node.put("retries", retries);
            became = "pool " + pool.name + ": retries " + retries;
            why = tries == 0 ? "0 (no limit in nginx) becomes portfw's most, 100" : "";
          }
        }
        case "proxy_next_upstream" -> {
          if (d.arg(0).equals("off")) {
            pool.node.put("retries", 0);
            became = "pool " + pool.name + ": retries 0";
          } else if (d.arg(0).equals("on")) {
            became = "retries (portfw's default, 2, unless proxy_next_upstream_tries says)";
          }
        }
        case "proxy_responses" -> {
          if (udp && d.arg(0).matches("\\d{1,7}")) {
            template.put("responses", Math.min(1_000_000, Integer.parseInt(d.arg(0))));
            became = "responses " + d.arg(0);
          } else if (!udp) {
            became = "nothing: it applies to UDP only";
          }
        }
        case "proxy_protocol" -> {
          if (d.arg(0).equals("on")) {
            became = proxyProtocol(pool, d);
            why = became.startsWith("!") ? became.substring(1) : "";
            became = became.startsWith("!") ? "pool " + pool.name + ": proxyProtocol as set before" : became;
          } else {
            became = "nothing: off is the default";
          }
        }
        case "ssl_preread" -> became = template.has("routes") ? "the listener reads the ClientHello for its routes"
            : "nothing: no map routes by server name here";
        case "preread_timeout" -> {
          OptionalLong ms = NginxTimes.millis(d.arg(0));
          if (ms.isPresent() && template.has("routes")) {
            template.put("sniTimeout", ImportDurations.text(Math.max(1, ms.getAsLong())));
            became = "sniTimeout " + template.get("sniTimeout").asText();
          }
        }
        case "tcp_nodelay" -> {
          template.putObject("socket").put("noDelay", d.arg(0).equals("on"));
          became = "socket.noDelay " + d.arg(0).equals("on");
        }
        case "set_real_ip_from" -> became = "acceptProxyProtocol.trusted, with listen ... proxy_protocol";
        case "access_log", "error_log", "log_format", "open_log_file_cache" -> why = "portfw logs to standard error"
            + " and, with accessLog, one line per connection for the whole config; not carried";
        default -> why = "the directive " + d.name() + " has no portfw form here";
      }
      if (became == null && why.isEmpty()) {
        out.dropped(d.line(), d.raw(), "\"" + String.join(" ", d.args()) + "\" is not a value the import reads");
      } else if (became == null) {
        out.dropped(d.line(), d.raw(), why);
      } else if (why.isEmpty()) {
        out.carried(d.line(), d.raw(), became);
      } else {
        out.approximated(d.line(), d.raw(), became, why);
      }
    }
    if (timeouts.isEmpty()) {
      template.remove("timeouts");
    }
  }

  /** Sets the pool's PROXY header v1; a reason starting with "!" when another server of the pool said otherwise. */
  private static String proxyProtocol(NginxUpstream pool, Directive d) {
    if (pool.proxyProtocol == null || pool.proxyProtocol.equals("v1")) {
      pool.proxyProtocol = "v1";
      pool.node.put("proxyProtocol", "v1");
      return "pool " + pool.name + ": proxyProtocol v1";
    }
    return "!portfw sends the PROXY header per pool, and another server of pool " + pool.name + " does not";
  }

  private void listen(Directive d, ObjectNode template, NginxUpstream pool) {
    String address = listenAddress(d.arg(0));
    if (address == null) {
      out.dropped(d.line(), d.raw(), "the address " + d.arg(0) + " is not a host:port, port or port range");
      return;
    }
    List<String> why = new ArrayList<>();
    boolean udp = false;
    boolean proxy = false;
    ObjectNode socket = JsonNodeFactory.instance.objectNode();
    for (String p : d.args().subList(1, d.args().size())) {
      if (p.equals("udp")) {
        udp = true;
      } else if (p.equals("proxy_protocol")) {
        proxy = true;
      } else if (p.equals("ssl")) {
        out.dropped(d.line(), d.raw(), "TLS termination (listen ... ssl) is not carried: portfw can terminate TLS"
            + " (listener tls) but the import does not move certificates");
        return;
      } else if (p.startsWith("backlog=") && p.substring(8).matches("\\d{1,7}")) {
        socket.put("backlog", Integer.parseInt(p.substring(8)));
      } else if (p.equals("so_keepalive=on")) {
        socket.put("keepAlive", true);
      } else if (!p.equals("reuseport") && !p.equals("bind") && !p.startsWith("ipv6only=")) {
        why.add("the listen parameter " + p + " is not carried");
      }
    }
    if (udp && pool.node.has("proxyProtocol")) {
      why.add("the pool sends a PROXY header, which portfw sends on TCP only");
    }
    ObjectNode listener = draft.addListener((udp ? "udp-" : "tcp-") + address.substring(address.lastIndexOf(':') + 1),
        udp ? "udp" : "tcp", address, pool.name);
    listener.setAll(template.deepCopy());
    if (udp) {
      listener.remove(List.of("routes", "sniTimeout", "socket"));
      listener.remove("timeouts"); // nginx's proxy_connect_timeout is for TCP; proxy_timeout is sessionIdle here
      if (template.has("routes")) {
        why.add("routes by server name need TLS over TCP: this UDP listener goes to the default pool");
      }
    } else {
      listener.remove(List.of("sessionIdle", "responses"));
      if (!socket.isEmpty()) {
        listener.set("socket", socket.setAll(listener.has("socket") ? (ObjectNode) listener.get("socket")
            : JsonNodeFactory.instance.objectNode()));
      }
    }
    if (proxy) {
      ArrayNode trusted = listener.putObject("acceptProxyProtocol").putArray("trusted");
      Directive from = settings.get("set_real_ip_from");
      List<String> named = from == null ? List.of() : from.args().stream().map(AddressBlocks::block).toList();
      if (from != null && AddressBlocks.problem(named).isEmpty()) {
        named.forEach(trusted::add);
      } else {
        if (from != null) {
          out.dropped(from.line(), from.raw(), AddressBlocks.problem(named).get());
        }
        trusted.add("0.0.0.0/0").add("::/0");
        why.add("proxy_protocol: portfw needs the addresses allowed to send the PROXY header"
            + " (acceptProxyProtocol.trusted); no set_real_ip_from names them, so every address is trusted, as nginx"
            + " takes the header from anyone: narrow it to your load balancers");
      }
    }
    String became = "listener " + listener.get("name").asText() + " (" + (udp ? "udp " : "tcp ") + address
        + ") -> pool " + pool.name;
    if (why.isEmpty()) {
      out.carried(d.line(), d.raw(), became);
    } else {
      out.approximated(d.line(), d.raw(), became, String.join("; ", why));
    }
  }

  /** nginx's {@code [host:]port[-port]} as a portfw listen address, or null. */
  static String listenAddress(String text) {
    if (ConfigDraft.isPortRange(text)) {
      return "0.0.0.0:" + text;
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0 || text.startsWith("unix:")) {
      return null;
    }
    String host = text.substring(0, colon);
    String ports = text.substring(colon + 1);
    if (!ConfigDraft.isPortRange(ports) || host.isEmpty()) {
      return null;
    }
    if (host.equals("*")) {
      host = "0.0.0.0";
    }
    return host + ":" + ports;
  }
}
