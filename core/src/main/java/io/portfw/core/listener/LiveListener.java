package io.portfw.core.listener;

import io.portfw.config.ListenerConfig;
import io.portfw.config.TimeoutsConfig;
import io.portfw.core.filter.Admission;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.tls.ServerTls;
import io.portfw.config.BackendAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One running listener's current settings, counters and door. A reload that keeps the listener's
 * address swaps the config here, in place: new connections see the new pool and timeouts,
 * live ones keep what they started with.
 */
public final class LiveListener {

  private final ListenerCounters counters;
  /** Shared across rebinds like the counts: connections open before a rebind still count against the limits. */
  private final Admission admission;
  private final List<Consumer<ListenerConfig>> onChange = new CopyOnWriteArrayList<>();
  private volatile ListenerConfig config;
  private volatile Duration drainOnStop;
  /** What it presents when it terminates TLS; replaced whole when the certificates are reloaded. */
  private volatile ServerTls tls;
  private String deploymentId;
  /** UDP clients whose session a take-over could not move: their next session goes to the same backend. */
  private final Map<InetSocketAddress, BackendAddress> carriedSessions = new ConcurrentHashMap<>();

  /** A listener new to the running config: fresh counts, an empty door. */
  public LiveListener(ListenerConfig config) {
    this(config, new ListenerCounters(), new Admission());
  }

  private LiveListener(ListenerConfig config, ListenerCounters counters, Admission admission) {
    this.config = config;
    this.counters = counters;
    this.admission = admission;
  }

  /** The same listener bound anew (its address changed): a new deployment that keeps the counts and the door. */
  public LiveListener rebound(ListenerConfig next) {
    return new LiveListener(next, counters, admission);
  }

  public ListenerConfig config() {
    return config;
  }

  /** Takes a reloaded config in place and tells whoever keeps state derived from it (a UDP session table). */
  public void config(ListenerConfig next) {
    this.config = next;
    onChange.forEach(c -> c.accept(next));
  }

  /** {@code change} runs with each config {@link #config(ListenerConfig)} takes from now on. */
  public void onChange(Consumer<ListenerConfig> change) {
    onChange.add(change);
  }

  /** How long its connections may go on once it stops accepting: its drain timeout unless its ports stay served. */
  public Duration drainOnStop() {
    Duration d = drainOnStop;
    return d != null ? d : config.timeouts().drain();
  }

  /** Whether a new deployment goes on serving its ports (see {@link #portsStayServed}). */
  public boolean portsStayServedElsewhere() {
    return drainOnStop != null;
  }

  /**
   * Its ports go on being served by a new deployment (a rebind that keeps some of them), so its
   * connections are not being removed: they may last as long as they stay active.
   */
  public void portsStayServed() {
    TimeoutsConfig t = config.timeouts();
    drainOnStop = t.idle().compareTo(t.drain()) > 0 ? t.idle() : t.drain();
  }

  /** The TLS it terminates with, or null when it forwards as it receives. */
  public ServerTls tls() {
    return tls;
  }

  /** New certificates (a reload, a file changed on disk): new connections get them, live ones keep theirs. */
  public void tls(ServerTls next) {
    this.tls = next;
  }

  public ListenerCounters counters() {
    return counters;
  }

  public Admission admission() {
    return admission;
  }

  /** The backends the UDP sessions of the process this one took over had, by client address and port. */
  public void carrySessions(Map<InetSocketAddress, BackendAddress> sessions) {
    carriedSessions.putAll(sessions);
  }

  /** The backend this UDP client's session had in the process this one took over, once; null when none. */
  public BackendAddress carriedSession(InetSocketAddress client) {
    return carriedSessions.isEmpty() ? null : carriedSessions.remove(client);
  }

  /** Clients that did not come back while their sessions would have lasted are forgotten. */
  public void forgetCarriedSessions() {
    carriedSessions.clear();
  }

  /** Set and read by the runtime only, one reload at a time. */
  public String deploymentId() {
    return deploymentId;
  }

  public void deploymentId(String id) {
    this.deploymentId = id;
  }
}
