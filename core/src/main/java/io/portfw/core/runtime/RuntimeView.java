package io.portfw.core.runtime;

import io.portfw.balancing.AdminState;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.core.cluster.ClusterStatus;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.DiscoveryStats;
import io.portfw.core.observe.ListenerCounters;
import io.portfw.core.observe.PortfwMetrics;
import io.portfw.core.observe.QueueStats;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.observe.WarmCounts;
import io.portfw.health.HealthChecks;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * What the admin endpoint sees of a running portfw: the running config and the live state read
 * from it, and the one change it may ask for, a reload from where the config came. The backend
 * actions (drain, enable, disable) go to the {@code Backend}s of a pool snapshot.
 */
public interface RuntimeView {

  PortfwConfig config();

  /** The live snapshot of a pool, or null when there is none of that name. */
  Pool pool(String name);

  /** The counters of a running listener, or null when there is none of that name. */
  ListenerCounters listenerCounters(String name);

  Connections connections();

  WarmCounts warmCounts();

  HealthChecks health();

  PortfwMetrics metrics();

  /** The outcome of the last start or reload attempt. */
  ReloadResult lastReload();

  /** A backend of a pool as the running config has it (the file with the runtime changes); empty when none. */
  Optional<BackendConfig> backendConfig(String pool, BackendAddress address);

  /** What the operator changed about this backend at runtime ("weight", "added"), if that still stands. */
  Optional<String> runtimeChange(String pool, BackendAddress address);

  /** The DNS record a backend of a pool was found by ({@code "web.internal A"}); empty for a listed backend. */
  Optional<String> discoveredFrom(String pool, BackendAddress address);

  /** The state of a pool's DNS discovery, when it has {@code discover}. */
  Optional<DiscoveryStats> discovery(String pool);

  /** The backends of a pool the operator removed at runtime (they drain; the file still lists them). */
  List<String> removedAtRuntime(String pool);

  /** Changes a backend at runtime (empty: removes it), applied as a reload is; see PortfwRuntime. */
  Future<ReloadResult> changeBackend(String pool, BackendAddress address, Optional<BackendConfig> wanted, String kind,
      String who);

  /** The pool's waiting line, or null when it has none. */
  QueueStats queue(String pool);

  /** Writes the running state into the config file, or fails with why. */
  Future<String> saveConfig(String who);

  /** Reloads from the config's source, or fails when it came from no file. */
  Future<ReloadResult> reloadFromSource();

  /** Why operator changes and reloads are refused now (a take-over under way); empty when they are not. */
  Optional<String> frozen();

  /** The cluster as this member sees it; empty when the config has no {@code cluster}. */
  Optional<ClusterStatus> cluster();

  /**
   * The operator set a backend's admin state here (drain, enable, disable): in a cluster, every
   * other member sets it too. Nothing without a cluster.
   */
  void adminStateSet(String pool, BackendAddress address, AdminState state);
}
