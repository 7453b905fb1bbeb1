/**
 * Several portfw instances acting as one: a Vert.x cluster on Hazelcast, made only when the config
 * has {@code cluster}. {@code ClusterNode} starts the clustered Vert.x ({@code HazelcastSetup} builds
 * the Hazelcast config in code, {@code ClusterSecret} keeps members without the secret out),
 * {@code ClusterMembers} exchanges heartbeats and knows the group, {@code SharedRuntimeChanges}
 * carries the operator changes to every member. The shared data-path state (sticky tables, limits,
 * ejections) lives here too, each in its own class that takes the clustered {@code Vertx}.
 *
 * <p>May import: {@code observe} (its meters). Used by {@code runtime}, which creates it, and read by
 * {@code admin} and {@code cli} ({@code ClusterStatus}).
 */
package io.portfw.core.cluster;
