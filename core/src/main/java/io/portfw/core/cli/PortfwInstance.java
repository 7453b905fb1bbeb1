package io.portfw.core.cli;

import static java.util.Objects.requireNonNull;

import io.portfw.config.PortfwConfig;
import io.portfw.core.admin.AdminServer;
import io.portfw.core.runtime.PortfwRuntime;
import io.vertx.core.Future;
import java.net.InetSocketAddress;

/**
 * What one portfw process runs: the runtime and, above it, its admin endpoint. Started here, above
 * both, because the admin endpoint reads the runtime while the runtime knows nothing of it.
 */
public final class PortfwInstance {

  private final PortfwRuntime runtime;
  private final AdminServer admin;

  private PortfwInstance(PortfwRuntime runtime, AdminServer admin) {
    this.runtime = runtime;
    this.admin = admin;
  }

  /**
   * Starts the admin endpoint, then every listener: once a listener accepts, {@code portfw status}
   * can already answer. Fails with the first thing that cannot start, having stopped the rest.
   */
  public static Future<PortfwInstance> start(PortfwConfig config) {
    requireNonNull(config, "config");
    PortfwRuntime runtime;
    try {
      runtime = PortfwRuntime.create(config);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    return start(runtime, config, false);
  }

  /**
   * Starts the admin endpoint and every listener on {@code runtime}, created for {@code config};
   * {@code takingOver}: beside a running portfw whose sockets this one was handed.
   */
  static Future<PortfwInstance> start(PortfwRuntime runtime, PortfwConfig config, boolean takingOver) {
    return AdminServer.start(runtime.vertx(), config.admin(), runtime, takingOver)
        .compose(admin -> runtime.run(config).map(ran -> new PortfwInstance(runtime, admin)))
        .recover(cause -> {
          runtime.stop(); // in the background: see PortfwRuntime.start
          return Future.failedFuture(cause);
        });
  }

  public PortfwRuntime runtime() {
    return runtime;
  }

  /** Where the admin endpoint listens. */
  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  /** The table of listeners and backends as they run now, as {@code ipmasqadm portfw -ln} printed it. */
  public String forwardingTable() {
    return ForwardingTable.render(runtime.config(), runtime::pool);
  }

  /** Stops the admin endpoint alone: a process that took this one over answers from now on. */
  public Future<Void> stopAdmin() {
    return admin.close();
  }

  /** Drains and stops everything, the admin endpoint with it. */
  public Future<Void> stop() {
    return runtime.stop();
  }
}
