package io.portfw.core.importing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.core.importing.HaproxySections.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code tcp-request connection accept|reject} rules on client addresses as a listener's
 * {@code acl}. HAProxy runs them in order and the first that matches decides; portfw reads deny,
 * then allow. They agree when every conditional reject comes before the first accept: those
 * rejects are the deny list, and the accepts (followed by a plain reject) or a
 * {@code reject unless}/{@code if !} rule the allow list. Other orders are reported, not guessed.
 */
final class HaproxyConnectionRules {

  private HaproxyConnectionRules() {}

  static void apply(List<Line> rules, HaproxyAcls acls, ObjectNode listener, LineOutcomes out) {
    List<String> deny = new ArrayList<>();
    List<String> allow = null;
    List<String> accepted = new ArrayList<>();
    List<Line> acceptLines = new ArrayList<>();
    boolean closed = false;
    for (Line l : rules) {
      if (closed) {
        out.dropped(l, "a plain reject before it ends the rules; HAProxy never reaches this one");
        continue;
      }
      String action = l.word(2);
      List<String> cond = l.words().subList(Math.min(3, l.words().size()), l.words().size());
      if (!action.equals("accept") && !action.equals("reject")) {
        out.dropped(l, "only accept and reject connection rules on client addresses have a portfw form (acl)");
        continue;
      }
      if (cond.isEmpty()) {
        if (action.equals("accept")) {
          out.carried(l, "nothing: every client is let in, as without rules");
        } else if (acceptLines.isEmpty()) {
          out.dropped(l, "it refuses every client; a listener that takes no one is not imported that way");
        } else {
          allow = new ArrayList<>(accepted);
          acceptLines.forEach(a -> out.carried(a, "acl.allow"));
          out.carried(l, "acl.allow " + accepted + ": everyone else is refused");
        }
        closed = true;
        continue;
      }
      Optional<HaproxyAcls.Test> test = acls.condition(cond);
      if (test.isEmpty() || !test.get().fetch().equals("src")) {
        out.dropped(l, "its condition is not one on the client address (src) that portfw's acl can hold");
        continue;
      }
      boolean matchesListed = !test.get().negated();
      if (action.equals("accept")) {
        if (!matchesListed) {
          out.dropped(l, "accept unless an address matches has no portfw form");
          continue;
        }
        accepted.addAll(test.get().values());
        acceptLines.add(l);
      } else if (!acceptLines.isEmpty()) {
        out.dropped(l, "it follows an accept rule, so in HAProxy the accepted addresses escape it; portfw reads"
            + " deny first, and carrying it would refuse them");
      } else if (matchesListed) {
        test.get().values().stream().filter(v -> !deny.contains(v)).forEach(deny::add);
        out.carried(l, "acl.deny " + test.get().values());
      } else if (allow != null) {
        out.dropped(l, "a second allow list: the import carries one");
      } else {
        allow = new ArrayList<>(test.get().values());
        out.carried(l, "acl.allow " + allow);
      }
    }
    if (!closed) {
      acceptLines.forEach(a -> out.carried(a, "nothing: without a plain reject after it every client gets in anyway"));
    }
    if (deny.isEmpty() && allow == null) {
      return;
    }
    ObjectNode acl = listener.putObject("acl");
    if (allow != null) {
      ArrayNode a = acl.putArray("allow");
      allow.forEach(a::add);
    }
    if (!deny.isEmpty()) {
      ArrayNode d = acl.putArray("deny");
      deny.forEach(d::add);
    }
  }
}
