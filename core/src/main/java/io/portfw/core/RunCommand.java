package io.portfw.core;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portfw run --config FILE}: forwards until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the listeners of a config file until SIGTERM or SIGINT.",
        "On a signal it stops accepting, lets live connections finish up to each listener's drain timeout, and exits 0."})
final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

  @Override
  public Integer call() throws InterruptedException {
    PortfwConfig loaded;
    try {
      loaded = config.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.INVALID;
    }
    return Foreground.run(loaded, spec.commandLine().getOut(), spec.commandLine().getErr(), () -> {});
  }
}
