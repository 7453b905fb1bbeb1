/**
 * Several portfw instances acting as one: a Vert.x cluster on Hazelcast, made only when the config
 * has {@code cluster}. {@code ClusterNode} starts the clustered Vert.x ({@code HazelcastSetup} builds
 * the Hazelcast config in code, {@code ClusterSecret} keeps members without the secret out),
 * {@code ClusterMembers} exchanges heartbeats and knows the group, {@code SharedRuntimeChanges}
 * carries the operator changes to every member. The shared data-path state: sticky tables
 * ({@code SharedSticky}), per-source counts and connection rates ({@code GroupSourceCounts}) and,
 * when asked, passive ejections ({@code SharedEjections}), started together by
 * {@code ClusterSharing}. Decisions stay local: the data path reads what was last heard and never
 * waits on the network; the exchange runs on a context of its own.
 *
 * <p>May import: {@code listener}, {@code filter}, {@code observe}. Used by {@code runtime}, which
 * creates it, and read by {@code admin} and {@code cli} ({@code ClusterStatus}).
 */
package io.portfw.core.cluster;
