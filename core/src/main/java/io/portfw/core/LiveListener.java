package io.portfw.core;

import io.portfw.config.ListenerConfig;

/**
 * One running listener's current settings and counters. A reload that keeps the listener's
 * address swaps the config here, in place: new connections see the new pool and timeouts,
 * live ones keep what they started with.
 */
final class LiveListener {

  private final ListenerCounters counters;
  private volatile ListenerConfig config;
  private String deploymentId;

  LiveListener(ListenerConfig config, ListenerCounters counters) {
    this.config = config;
    this.counters = counters;
  }

  ListenerConfig config() {
    return config;
  }

  void config(ListenerConfig next) {
    this.config = next;
  }

  ListenerCounters counters() {
    return counters;
  }

  /** Set and read by the runtime only, one reload at a time. */
  String deploymentId() {
    return deploymentId;
  }

  void deploymentId(String id) {
    this.deploymentId = id;
  }
}
