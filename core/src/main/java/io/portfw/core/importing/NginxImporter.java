package io.portfw.core.importing;

import io.portfw.core.importing.NginxDirectives.Directive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code stream} block of an nginx.conf (or a file of stream directives, as
 * {@code /etc/nginx/streams-enabled/} holds): upstreams as pools, servers as listeners, {@code map
 * $ssl_preread_server_name} as routes by server name. {@code http} and the other top-level
 * directives are reported as dropped.
 */
final class NginxImporter implements RuleImporter {

  /** Directives of the stream block that its servers inherit. */
  private static final Set<String> INHERITED = Set.of("proxy_timeout", "proxy_connect_timeout",
      "proxy_next_upstream", "proxy_next_upstream_tries", "proxy_next_upstream_timeout", "proxy_responses",
      "proxy_protocol", "ssl_preread", "preread_timeout", "tcp_nodelay", "set_real_ip_from", "allow", "deny",
      "access_log", "error_log", "proxy_bind", "proxy_buffer_size", "proxy_download_rate", "proxy_upload_rate",
      "proxy_socket_keepalive", "proxy_half_close", "proxy_requests");

  @Override
  public void read(List<String> lines, ConfigDraft draft, ImportReport report) throws ImportException {
    List<Directive> top = NginxDirectives.read(lines);
    LineOutcomes out = new LineOutcomes();
    List<Directive> stream = new ArrayList<>();
    boolean hasStreamBlock = top.stream().anyMatch(d -> d.name().equals("stream") && d.isBlock());
    for (Directive d : top) {
      if (d.name().equals("stream") && d.isBlock()) {
        out.carried(d.line(), d.raw(), "the listeners and pools below");
        stream.addAll(d.block());
      } else if (!hasStreamBlock && (d.name().equals("upstream") || d.name().equals("server") || d.name().equals("map")
          || INHERITED.contains(d.name()))) {
        stream.add(d); // a file of stream directives, included into stream { } by the main file
      } else if (d.name().equals("http")) {
        dropTree(d, "an http block: portfw forwards TCP and UDP and does not read HTTP", out);
      } else {
        dropTree(d, "a process setting (" + d.name() + ") is not part of a portfw config", out);
      }
    }
    if (stream.stream().noneMatch(d -> d.name().equals("server") && d.isBlock())) {
      throw new ImportException(0, "no stream { server { ... } } in the input: nothing listens");
    }
    Map<String, NginxUpstream> upstreams = new LinkedHashMap<>();
    Map<String, Directive> maps = new LinkedHashMap<>();
    List<Directive> inherited = new ArrayList<>();
    for (Directive d : stream) {
      switch (d.name()) {
        case "upstream" -> {
          if (!d.isBlock() || d.args().size() != 1) {
            throw new ImportException(d.line(), "an upstream is: upstream NAME { server ...; }");
          }
          NginxUpstream u = NginxUpstream.of(d, draft, out);
          upstreams.put(d.arg(0), u);
          if (!u.hasBackends()) {
            draft.removePool(u.name);
            out.dropped(d.line(), d.raw(), "no server of it could be imported: an empty pool is not written");
          }
        }
        case "map" -> {
          if (!d.isBlock() || d.args().size() != 2) {
            throw new ImportException(d.line(), "a map is: map $SOURCE $VARIABLE { NAME VALUE; ... }");
          }
          if (d.arg(0).equals("$ssl_preread_server_name")) {
            maps.put(d.arg(1), d);
          } else {
            dropTree(d, "only a map of $ssl_preread_server_name (routes by TLS server name) has a portfw form", out);
          }
        }
        case "server" -> { }
        default -> {
          if (INHERITED.contains(d.name())) {
            inherited.add(d);
          } else {
            dropTree(d, "the stream directive " + d.name() + " has no portfw form", out);
          }
        }
      }
    }
    for (Directive d : stream) {
      if (d.name().equals("server")) {
        if (!d.isBlock()) {
          throw new ImportException(d.line(), "a stream server is a block: server { listen ...; proxy_pass ...; }");
        }
        NginxServer.of(d, inherited, upstreams, maps, draft, out);
      }
    }
    for (Directive d : stream) {
      if (d.name().equals("map") && !out.has(d.line())) {
        dropTree(d, "no server's proxy_pass uses " + d.arg(1), out);
      }
    }
    out.into(report);
    if (draft.isEmpty()) {
      throw new ImportException(0, "no stream server could be imported:\n" + report.render("input"));
    }
  }

  private static void dropTree(Directive d, String why, LineOutcomes out) {
    out.dropped(d.line(), d.raw(), why);
    if (d.isBlock()) {
      for (Directive inner : d.block()) {
        dropTree(inner, "inside the " + d.name() + " on line " + d.line(), out);
      }
    }
  }
}
