package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import io.portfw.core.listener.NettyTransport;
import io.portfw.core.runtime.PortfwRuntime;
import io.portfw.core.takeover.StateDirectory;
import io.portfw.core.takeover.TakeOverClient;
import io.vertx.core.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a config on the sockets and state of the portfw running with the same state directory:
 * everything is started before any socket handed over is read, and the running process is told
 * to stop only then. Until that moment a failure here leaves the running process as it was.
 */
final class TakingOver {

  private static final Logger LOG = LoggerFactory.getLogger(TakingOver.class);

  private TakingOver() {}

  /** {@code stopAsked}: a stop signal came meanwhile: the running process is then left serving. */
  static Future<PortfwInstance> start(PortfwConfig config, StateDirectory dir, BooleanSupplier stopAsked) {
    PortfwRuntime runtime;
    try {
      runtime = PortfwRuntime.create(config);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    if (NettyTransport.of(runtime.vertx()) != NettyTransport.EPOLL) {
      runtime.stop();
      return Future.failedFuture(new IllegalStateException(
          "--take-over needs the native transport (epoll), which passes sockets between processes; this JVM runs NIO"));
    }
    // Until the state handed over is laid on, an operator's change here would be overwritten by it.
    runtime.freeze("this process is taking over from the running one; it takes changes once it serves");
    return TakeOverClient.connect(runtime.vertx(), dir.socket()).compose(client -> {
      TakeOverClient.Handover handover = client.handover();
      LOG.atInfo().addKeyValue("takeOver", "received").addKeyValue("peerPid", handover.pid())
          .log("take-over: process {} handed over {} listening socket(s)", handover.pid(), handover.sockets().size());
      runtime.sockets().inherit(handover.sockets());
      try {
        runtime.takeOverChanges(handover.state(), config);
      } catch (ConfigException e) {
        client.close();
        runtime.sockets().closeUnclaimed();
        runtime.stop();
        return Future.failedFuture(new IllegalStateException("take-over: the state handed over is unreadable: "
            + e.getMessage(), e));
      }
      return PortfwInstance.start(runtime, config, true)
          .onFailure(e -> {
            client.close(); // the running process carries on untouched
            runtime.sockets().closeUnclaimed();
          })
          .compose(instance -> {
            if (stopAsked.getAsBoolean()) {
              client.close();
              instance.stop();
              return Future.failedFuture(new IllegalStateException(
                  "take-over: stopped by a signal before it served; the running portfw goes on serving"));
            }
            LOG.info("take-over: carried over {}", runtime.takeOverPools(handover.state()));
            runtime.freeze(null);
            runtime.sockets().startReading();
            return client.accepting(runtime.vertx(), runtime.sockets().taken())
                .onSuccess(v -> LOG.atInfo().addKeyValue("takeOver", "done").addKeyValue("peerPid", handover.pid())
                    .log("take-over: process {} stopped accepting; this process serves alone",
                    handover.pid()))
                .otherwise(e -> {
                  LOG.warn("take-over: {}; both processes may accept until it stops", e.getMessage());
                  return null;
                })
                .onComplete(done -> client.close())
                .map(instance);
          });
    }, cannot -> {
      runtime.stop();
      return Future.failedFuture(cannot);
    });
  }
}
