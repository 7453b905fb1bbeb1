package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portfw check --config FILE}: validates without starting anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Validates a config file.",
        "Exit 0 and a summary when it is valid; exit 2 and every error, with its JSON path, when not."})
final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

  @Override
  public Integer call() {
    try {
      PortfwConfig loaded = config.load();
      spec.commandLine().getOut().println(config.file + ": valid (" + loaded.summary() + ")");
      return ExitCodes.OK;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.INVALID;
    }
  }
}
