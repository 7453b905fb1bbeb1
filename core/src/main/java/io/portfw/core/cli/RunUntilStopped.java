package io.portfw.core.cli;

import io.portfw.config.PortfwConfig;
import io.portfw.core.observe.AccessLog;
import io.vertx.core.Future;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a config in the foreground of the command line until a stop signal, or a process that took
 * it over, has drained it.
 */
final class RunUntilStopped {

  private static final Logger LOG = LoggerFactory.getLogger(RunUntilStopped.class);

  /** Why it stops: a signal's name, or who took it over. */
  private final CompletableFuture<Stop> stop = new CompletableFuture<>();

  /** Why a run ends. */
  record Stop(String why, boolean takenOver) {}

  /** Installs the stop signals' handler before anything binds: a SIGTERM during start-up still drains, never exits 143. */
  RunUntilStopped() {
    Signals.onStop(signal -> stop.complete(new Stop(signal, false)));
  }

  /** Whether it has been told to stop (a signal during the start, say). */
  boolean stopAsked() {
    return stop.isDone();
  }

  /** Another process serves the sockets now: this one drains and exits 0, as on SIGTERM. */
  void takenOver(long pid) {
    stop.complete(new Stop("taken over by process " + pid, true));
  }

  /** Runs {@code config} as started fresh; {@code started} runs once every listener is bound. */
  static int run(PortfwConfig config, PrintWriter out, PrintWriter err, Consumer<PortfwInstance> started)
      throws InterruptedException {
    return new RunUntilStopped().run(() -> PortfwInstance.start(config), config, out, err, s -> {}, started);
  }

  /**
   * Returns the process's exit code. {@code start} starts the instance; {@code started} runs once
   * it serves, {@code stopping} when it is told to stop, before the drain.
   */
  int run(Supplier<Future<PortfwInstance>> start, PortfwConfig config, PrintWriter out, PrintWriter err,
      Consumer<Stop> stopping, Consumer<PortfwInstance> started) throws InterruptedException {
    PortfwInstance instance;
    try {
      instance = start.get().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      err.println("portfw: " + e.getCause().getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    PrintWriter tables = AccessLog.usesStdout(config) ? err : out; // stdout belongs to the access log then
    tables.print(instance.forwardingTable());
    tables.flush();
    if (!stop.isDone()) {
      started.accept(instance);
    }
    Stop why = stop.join();
    stopping.accept(why);
    LOG.info("{}: stopped accepting, draining live connections", why.why());
    CountDownLatch stopped = new CountDownLatch(1);
    instance.stop().onComplete(done -> {
      LOG.info("stopped");
      stopped.countDown();
    });
    stopped.await();
    return ExitCodes.OK;
  }
}
