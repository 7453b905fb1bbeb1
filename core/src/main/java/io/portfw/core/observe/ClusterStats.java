package io.portfw.core.observe;

import java.util.Set;

/** What the cluster meters read, from the member's view of its group (only a clustered instance has one). */
public interface ClusterStats {

  /** Members in contact, this one included. */
  int members();

  /** Whether this member has lost contact with every other member. */
  boolean alone();

  /** Members whose config hash differs from this member's. */
  int configMismatches();

  /** The cluster addresses of the other members known now. */
  Set<String> otherMembers();

  /** Seconds since the member's last heartbeat arrived; NaN when it is no longer known. */
  double lastContactSeconds(String member);

  /** How long the member's last heartbeat took to arrive, in seconds (clock difference included); NaN when unknown. */
  double lagSeconds(String member);
}
