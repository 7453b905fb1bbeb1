package io.portfw.core.runtime;

import io.portfw.balancing.AdminState;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendConfig;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.core.cluster.ClusterChangeTarget;
import io.portfw.core.observe.ReloadResult;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator changes made on another cluster member, applied here as the admin API applies its own:
 * the admin state set on the backend, a runtime backend change laid over the file. A pool or backend
 * this member does not have (its config differs) is logged and left.
 */
final class ClusterChangesApplied implements ClusterChangeTarget {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterChangesApplied.class);
  private final PortfwRuntime runtime;

  ClusterChangesApplied(PortfwRuntime runtime) {
    this.runtime = runtime;
  }

  /** A backend as the config writes it, the form {@link #backend} reads. */
  static String json(BackendConfig b) {
    return new JsonObject().put("address", b.address().toString()).put("weight", b.weight()).put("backup", b.backup())
        .put("maxConnections", b.maxConnections()).encode();
  }

  @Override
  public void adminState(String pool, String backend, String state, String who) {
    AdminState target = AdminState.valueOf(state.toUpperCase(Locale.ROOT));
    Optional<Backend> found = find(pool, backend);
    if (found.isEmpty()) {
      LOG.warn("pool {}: backend {}: {} by {} not applied here: no such backend in this member's pool", pool, backend,
          state, who);
      return;
    }
    if (found.get().adminState() != target) {
      LOG.info("pool {}: backend {} {} by {}", pool, backend, found.get().admin(target), who);
    }
  }

  @Override
  public void backend(String pool, String backend, Optional<String> backendJson, String what, String who) {
    Optional<BackendConfig> wanted;
    try {
      // A source address is each machine's own: the sender's is not local here, this member's stays.
      wanted = backendJson.isEmpty() ? Optional.empty()
          : Optional.of(withOwnSource(pool, ConfigLoader.parseBackend(backendJson.get(), "the change from " + who)));
    } catch (ConfigException e) {
      LOG.warn("pool {}: backend {}: {} by {} does not read here: {}", pool, backend, what, who, e.getMessage());
      return;
    }
    var address = wanted.map(BackendConfig::address)
        .or(() -> find(pool, backend).map(Backend::address))
        .orElse(null);
    if (address == null) {
      return; // removed there, and not here either
    }
    if (runtime.discoveredFrom(pool, address).isPresent()) {
      // As the admin API refuses it here: the records decide this backend, a runtime change would outlast them.
      LOG.warn("pool {}: backend {}: {} by {} not applied here: this member found it in DNS", pool, backend, what,
          who);
      return;
    }
    if (wanted.isPresent() && find(pool, backend).map(b -> sameAs(b, wanted.get())).orElse(false)) {
      return; // already so: a catch-up of a change that was applied here
    }
    runtime.applyBackendChange(pool, address, wanted, what, who).onComplete(done -> {
      if (done.failed() || done.result().outcome() == ReloadResult.Outcome.FAILED
          || done.result().outcome() == ReloadResult.Outcome.INVALID) {
        LOG.warn("pool {}: backend {}: {} by {} not applied here: {}", pool, backend, what, who,
            done.failed() ? done.cause().getMessage() : String.join("; ", done.result().errors()));
      }
    });
  }

  private BackendConfig withOwnSource(String pool, BackendConfig wanted) {
    return new BackendConfig(wanted.address(), wanted.weight(), wanted.backup(), wanted.maxConnections(),
        runtime.backendConfig(pool, wanted.address()).flatMap(BackendConfig::source));
  }

  private static boolean sameAs(Backend running, BackendConfig wanted) {
    return running.weight() == wanted.weight() && running.isBackup() == wanted.backup()
        && running.settings().maxConnections() == wanted.maxConnections();
  }

  private Optional<Backend> find(String pool, String backend) {
    Pool running = runtime.pool(pool);
    return running == null ? Optional.empty()
        : running.backends().stream().filter(b -> b.address().toString().equals(backend)).findFirst();
  }
}
