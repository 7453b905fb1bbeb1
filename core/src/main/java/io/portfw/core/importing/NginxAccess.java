package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.NginxDirectives.Directive;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * nginx's {@code allow}/{@code deny} rules (checked in order, the first match decides) as a
 * listener's {@code acl} (deny read first, then allow). They agree when no address rule comes
 * after an {@code allow} of addresses but {@code deny all} (which makes the allows an allow list)
 * and {@code allow all} ends them at most (which changes nothing); otherwise they are reported.
 */
final class NginxAccess {

  private NginxAccess() {}

  /** Adds the acl to {@code listener}; false (each rule reported) when the order matters. */
  static boolean apply(List<Directive> rules, ObjectNode listener, LineOutcomes out) {
    List<String> deny = new ArrayList<>();
    List<String> allow = new ArrayList<>();
    boolean closed = false;
    Directive orderBreak = null;
    for (Directive d : rules) {
      String value = d.arg(0);
      if (closed) {
        out.carried(d.line(), d.raw(), "nothing: a rule for all before it decides every client");
        continue;
      }
      if (value.equals("all")) {
        closed = true;
        if (d.name().equals("deny") && allow.isEmpty()) {
          orderBreak = d;
        }
        continue;
      }
      if (value.startsWith("unix:")) {
        out.carried(d.line(), d.raw(), "nothing: portfw listens on IP addresses only");
        continue;
      }
      String block = AddressBlocks.block(value);
      Optional<String> problem = AddressBlocks.problem(List.of(block));
      if (problem.isPresent()) {
        rules.forEach(r -> out.dropped(r.line(), r.raw(), "line " + d.line() + ": " + problem.get()));
        return false;
      }
      if (d.name().equals("deny")) {
        if (!allow.isEmpty() && orderBreak == null) {
          orderBreak = d;
        }
        deny.add(block);
      } else {
        allow.add(block);
      }
    }
    boolean denyAll = rules.stream().anyMatch(d -> d.name().equals("deny") && d.arg(0).equals("all"));
    if (orderBreak != null) {
      Directive at = orderBreak;
      String why = at.arg(0).equals("all")
          ? "deny all without an allow before it refuses every client"
          : "a deny after an allow: nginx lets the allowed addresses through first, portfw reads deny first";
      rules.forEach(d -> out.dropped(d.line(), d.raw(), why + " (line " + at.line() + ")"));
      return false;
    }
    ObjectNode acl = null;
    if (denyAll && !allow.isEmpty()) {
      acl = listener.putObject("acl");
      ArrayNode a = acl.putArray("allow");
      allow.forEach(a::add);
    } else if (!allow.isEmpty()) {
      rules.stream().filter(d -> d.name().equals("allow") && !d.arg(0).equals("all"))
          .forEach(d -> out.carried(d.line(), d.raw(), "nothing: without deny all after it every client gets in"));
    }
    if (!deny.isEmpty()) {
      acl = acl == null ? listener.putObject("acl") : acl;
      ArrayNode dn = acl.putArray("deny");
      deny.forEach(dn::add);
    }
    for (Directive d : rules) {
      if (!out.has(d.line())) {
        out.carried(d.line(), d.raw(), acl == null ? "nothing: every client gets in" : "acl " + acl);
      }
    }
    return true;
  }
}
