package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import io.portfw.core.runtime.PortfwRuntime;
import io.portfw.core.takeover.StateDirectory;
import io.portfw.core.takeover.TakeOverServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portfw run --config FILE}: forwards until SIGTERM or SIGINT, or until a new process takes
 * it over, then drains and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the listeners of a config file until SIGTERM or SIGINT.",
        "The file is reloaded when it changes and on SIGHUP; an invalid file is reported and changes nothing.",
        "On SIGTERM/SIGINT it stops accepting, lets live connections finish up to each listener's drain timeout,"
            + " and exits 0.",
        "With --take-over it starts on the sockets of the portfw already running: an upgrade or restart that"
            + " drops no connection."})
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--no-watch", description = "do not reload when the file changes (SIGHUP still reloads)")
  boolean noWatch;

  @Option(names = "--pid-file", paramLabel = "FILE",
      description = "write the process id to this file once listening (removed at exit)")
  Path pidFile;

  @Option(names = "--take-over",
      description = {"start on the listening sockets and runtime state of the portfw running with the same state"
          + " directory (stateDir); it stops accepting once this one serves, drains and exits 0.",
          "If this process cannot start, the running one goes on untouched."})
  boolean takeOver;

  @Option(names = "--background",
      description = "with --take-over: return once the new process serves (exit 0) or has failed (its exit code),"
          + " leaving it running; for a service manager's ExecReload")
  boolean background;

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

  private void writePidFile() {
    if (pidFile == null) {
      return;
    }
    try {
      // Whole or not at all: a take-over run with --background waits to read this process's pid here.
      WholeFiles.write(pidFile, ProcessHandle.current().pid() + "\n");
    } catch (IOException e) {
      LOG.warn("--pid-file: cannot write {}: {}", pidFile, e.getMessage());
    }
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    PortfwConfig loaded;
    try {
      loaded = config.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.INVALID;
    }
    Logging.apply(loaded.logging());
    StateDirectory state = StateDirectory.of(loaded.stateDir(), config.file);
    if (background) {
      if (!takeOver) {
        spec.commandLine().getErr().println("--background goes with --take-over");
        return ExitCodes.INVALID;
      }
      return InBackground.start(spec.commandLine().getErr(), pidFile, state);
    }
    // Until the reloader takes SIGHUP over, one must not end the process (its default action);
    // it is remembered and served once the reloader is there.
    AtomicBoolean hangupDuringStart = new AtomicBoolean();
    Signals.onHangup(() -> hangupDuringStart.set(true));
    // SIGUSR1 (logrotate) must not end the process either; before the runtime is there it has nothing to reopen.
    AtomicReference<PortfwRuntime> running = new AtomicReference<>();
    Signals.onUser1(() -> {
      PortfwRuntime runtime = running.get();
      if (runtime == null || !runtime.reopenAccessLog()) {
        LOG.info("SIGUSR1: no access log file to reopen");
      }
    });
    AtomicReference<ConfigReloader> reloader = new AtomicReference<>();
    AtomicReference<TakeOverServer> control = new AtomicReference<>();
    ServiceState notify = new ServiceState(System.getenv(SystemdNotify.VARIABLE));
    RunUntilStopped runner = new RunUntilStopped();
    try {
      return runner.run(() -> takeOver ? TakingOver.start(loaded, state, runner::stopAsked)
              : PortfwInstance.start(loaded), loaded,
          spec.commandLine().getOut(), spec.commandLine().getErr(), stop -> {
            stopReloading(reloader);
            if (!stop.takenOver()) {
              notify.stopping(); // after a take-over the service goes on, in the new process
            }
          }, instance -> {
            PortfwRuntime runtime = instance.runtime();
            running.set(runtime);
            ConfigReloader started = new ConfigReloader(config.file, runtime).onHangup();
            reloader.set(started);
            runtime.reloadSource(started::reload);
            runtime.saveTarget(config.file);
            started.onReloading(notify::reloading, notify::ready);
            listenForTakeOver(state, instance, runner, control, () -> {
              // The new process reloads and reports to the service manager from now on: a reload or a READY from
              // this one would move the service's main process back to the one leaving.
              stopReloading(reloader);
              notify.close();
            });
            writePidFile();
            notify.attach(runtime);
            notify.ready();
            if (!noWatch) {
              try {
                started.watch();
              } catch (IOException e) {
                LOG.warn("cannot watch {} ({}); SIGHUP still reloads it", config.file, e.getMessage());
              }
            }
            if (hangupDuringStart.get()) {
              LOG.info("SIGHUP during start-up: reloading {}", config.file);
              started.reload();
            }
          });
    } finally {
      notify.close();
      if (control.get() != null) {
        control.get().close();
      }
      removePidFile();
      if (reloader.get() != null) {
        reloader.get().close();
      }
    }
  }

  private static void stopReloading(AtomicReference<ConfigReloader> reloader) {
    ConfigReloader watching = reloader.getAndSet(null);
    if (watching != null) {
      try {
        watching.close(); // a file changed during the drain is the next process's business
      } catch (IOException e) {
        LOG.debug("closing the config watcher: {}", e.getMessage());
      }
    }
  }

  /**
   * Opens the control socket a later {@code --take-over} asks; without it this process cannot be
   * taken over. {@code leaving} runs when a new process serves, before this one stops accepting.
   */
  private static void listenForTakeOver(StateDirectory state, PortfwInstance instance, RunUntilStopped runner,
      AtomicReference<TakeOverServer> control, Runnable leaving) {
    try {
      control.set(TakeOverServer.open(state, instance.runtime(), () -> {
        leaving.run();
        return instance.stopAdmin();
      }, runner::takenOver)
          .toCompletionStage().toCompletableFuture().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("stateDir: {}; this process cannot be taken over (run --take-over)", e.getCause().getMessage());
    }
  }

  /** Removes the pid file unless a process that took this one over has written its own there. */
  private void removePidFile() throws IOException {
    if (pidFile != null && Files.exists(pidFile)
        && Files.readString(pidFile).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
      Files.deleteIfExists(pidFile);
    }
  }
}
