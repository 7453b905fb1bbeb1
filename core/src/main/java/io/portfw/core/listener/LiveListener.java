package io.portfw.core.listener;

import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.udp.UdpSessions;
import io.portfw.config.ListenerConfig;
import io.portfw.config.TimeoutsConfig;
import java.time.Duration;

/**
 * One running listener's current settings and counters. A reload that keeps the listener's
 * address swaps the config here, in place: new connections see the new pool and timeouts,
 * live ones keep what they started with.
 */
public final class LiveListener {

  private final ListenerCounters counters;
  private volatile ListenerConfig config;
  private volatile Duration drainOnStop;
  private String deploymentId;
  private UdpSessions udpSessions;

  public LiveListener(ListenerConfig config, ListenerCounters counters) {
    this.config = config;
    this.counters = counters;
  }

  public ListenerConfig config() {
    return config;
  }

  public void config(ListenerConfig next) {
    this.config = next;
    synchronized (this) {
      if (udpSessions != null) {
        udpSessions.apply(next.udp());
      }
    }
  }

  /** The session table of a UDP listener, shared by its sockets on every event loop. */
  public synchronized UdpSessions udpSessions() {
    if (udpSessions == null) {
      udpSessions = new UdpSessions(config.udp());
    }
    return udpSessions;
  }

  /** How long its connections may go on once it stops accepting: its drain timeout unless handed over. */
  public Duration drainOnStop() {
    Duration d = drainOnStop;
    return d != null ? d : config.timeouts().drain();
  }

  /**
   * When its ports go on being served by a new deployment (a rebind that keeps some of them),
   * its connections are not being removed: they may last as long as they stay active.
   */
  public void handOver() {
    TimeoutsConfig t = config.timeouts();
    drainOnStop = t.idle().compareTo(t.drain()) > 0 ? t.idle() : t.drain();
  }

  public ListenerCounters counters() {
    return counters;
  }

  /** Set and read by the runtime only, one reload at a time. */
  public String deploymentId() {
    return deploymentId;
  }

  public void deploymentId(String id) {
    this.deploymentId = id;
  }
}
