package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfw run --config FILE}: forwards until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the listeners of a config file until SIGTERM or SIGINT.",
        "The file is reloaded when it changes and on SIGHUP; an invalid file is reported and changes nothing.",
        "On SIGTERM/SIGINT it stops accepting, lets live connections finish up to each listener's drain timeout,"
            + " and exits 0."})
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--no-watch", description = "do not reload when the file changes (SIGHUP still reloads)")
  boolean noWatch;

  @Option(names = "--pid-file", paramLabel = "FILE",
      description = "write the process id to this file once listening (removed at exit)")
  Path pidFile;

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

  private void writePidFile() {
    if (pidFile == null) {
      return;
    }
    try {
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
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
    // Until the reloader takes SIGHUP over, one must not end the process (its default action);
    // it is remembered and served once the reloader is there.
    AtomicBoolean hangupDuringStart = new AtomicBoolean();
    Signals.onHangup(() -> hangupDuringStart.set(true));
    AtomicReference<ConfigReloader> reloader = new AtomicReference<>();
    ServiceState notify = new ServiceState(System.getenv(SystemdNotify.VARIABLE));
    try {
      return RunUntilStopped.run(loaded, spec.commandLine().getOut(), spec.commandLine().getErr(), notify::stopping,
          runtime -> {
        ConfigReloader started = new ConfigReloader(config.file, runtime).onHangup();
        reloader.set(started);
        runtime.reloadSource(started::reload);
        runtime.saveTarget(config.file);
        started.onReloading(notify::reloading, notify::ready);
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
      if (pidFile != null) {
        Files.deleteIfExists(pidFile);
      }
      if (reloader.get() != null) {
        reloader.get().close();
      }
    }
  }
}
