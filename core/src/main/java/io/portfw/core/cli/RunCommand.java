package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

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

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

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
    Signal.handle(new Signal("HUP"), signal -> hangupDuringStart.set(true));
    ConfigReloader[] reloader = new ConfigReloader[1];
    try {
      return Foreground.run(loaded, spec.commandLine().getOut(), spec.commandLine().getErr(), runtime -> {
        reloader[0] = new ConfigReloader(config.file, runtime).onHangup();
        runtime.reloadSource(reloader[0]::reload);
        if (!noWatch) {
          try {
            reloader[0].watch();
          } catch (IOException e) {
            LOG.warn("cannot watch {} ({}); SIGHUP still reloads it", config.file, e.getMessage());
          }
        }
        if (hangupDuringStart.get()) {
          LOG.info("SIGHUP during start-up: reloading {}", config.file);
          reloader[0].reload();
        }
      });
    } finally {
      if (reloader[0] != null) {
        reloader[0].close();
      }
    }
  }
}
