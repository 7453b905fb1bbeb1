package io.portfw.core.cluster;

/**
 * One member as this member sees it.
 *
 * @param lastContactMillis how long ago its last heartbeat arrived (0 for this member itself)
 * @param lagMillis how long its last heartbeat took to arrive, by the two members' clocks (their
 *     difference included)
 * @param self whether it is this member
 * @param sameConfig whether its config hash is this member's
 */
public record MemberStatus(MemberInfo info, long lastContactMillis, long lagMillis, boolean self, boolean sameConfig) {}
