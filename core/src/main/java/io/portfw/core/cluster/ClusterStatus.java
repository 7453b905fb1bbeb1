package io.portfw.core.cluster;

import java.time.Instant;
import java.util.List;

/**
 * The group as this member sees it: its own state and every member it knows.
 *
 * @param name the cluster name from the config
 * @param alone true while no other member has been heard from for {@link ClusterMembers#CONTACT_LOST_MILLIS}
 * @param since when this member became alone or connected
 * @param everConnected whether it was ever in contact with another member since it started
 * @param members this member first, then the others by address
 */
public record ClusterStatus(String name, boolean alone, Instant since, boolean everConnected, List<MemberStatus> members) {

  public ClusterStatus {
    members = List.copyOf(members);
  }

  /** {@code connected} or {@code alone}. */
  public String state() {
    return alone ? "alone" : "connected";
  }

  /** The state in a sentence: {@code alone: lost contact since 2026-...}. */
  public String message() {
    if (!alone) {
      return "connected to " + (members.size() - 1) + " other member" + (members.size() == 2 ? "" : "s") + " since " + since;
    }
    return everConnected ? "alone: lost contact since " + since + "; forwarding goes on with the state known here"
        : "alone: no other member found since the start at " + since;
  }

  /** Members whose config hash differs from this member's. */
  public long configMismatches() {
    return members.stream().filter(m -> !m.sameConfig()).count();
  }
}
