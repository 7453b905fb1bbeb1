package io.portfw.core.cli;

import io.portfw.config.PortfwConfig;
import io.portfw.core.observe.AccessLog;
import io.portfw.core.runtime.PortfwRuntime;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a config in the foreground of the command line until a stop signal has drained it. */
final class RunUntilStopped {

  private static final Logger LOG = LoggerFactory.getLogger(RunUntilStopped.class);

  private RunUntilStopped() {}

  /** Returns the process's exit code; {@code started} runs once every listener is bound. */
  static int run(PortfwConfig config, PrintWriter out, PrintWriter err, Consumer<PortfwRuntime> started)
      throws InterruptedException {
    return run(config, out, err, () -> {}, started);
  }

  /** As {@link #run(PortfwConfig, PrintWriter, PrintWriter, Consumer)}; {@code stopping} runs when a stop signal came. */
  static int run(PortfwConfig config, PrintWriter out, PrintWriter err, Runnable stopping,
      Consumer<PortfwRuntime> started) throws InterruptedException {
    // Installed before anything binds: a SIGTERM that arrives during start-up still drains, never exits 143.
    CompletableFuture<String> signalled = new CompletableFuture<>();
    Signals.onStop(signalled::complete);
    PortfwInstance instance;
    try {
      instance = PortfwInstance.start(config).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      err.println("portfw: " + e.getCause().getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    PrintWriter tables = AccessLog.usesStdout(config) ? err : out; // stdout belongs to the access log then
    tables.print(instance.forwardingTable());
    tables.flush();
    if (!signalled.isDone()) {
      started.accept(instance.runtime());
    }
    String signal = signalled.join();
    stopping.run();
    LOG.info("{}: stopped accepting, draining live connections", signal);
    CountDownLatch stopped = new CountDownLatch(1);
    instance.stop().onComplete(done -> {
      LOG.info("stopped");
      stopped.countDown();
    });
    stopped.await();
    return ExitCodes.OK;
  }
}
