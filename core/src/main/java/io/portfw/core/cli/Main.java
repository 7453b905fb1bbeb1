package io.portfw.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The {@code portfw} command line. */
@Command(name = "portfw", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Forwards public ports to pools of internal servers, spreading the load over them.",
    subcommands = {RunCommand.class, CheckCommand.class, DemoCommand.class, StatusCommand.class,
        ConnectionsCommand.class, BackendStateCommand.Drain.class, BackendStateCommand.Enable.class,
        BackendStateCommand.Disable.class, RuntimeChangeCommands.Weight.class, RuntimeChangeCommands.AddBackend.class,
        RuntimeChangeCommands.RemoveBackend.class, RuntimeChangeCommands.Kill.class, RuntimeChangeCommands.Save.class,
        CompletionCommand.class, ImportCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Given before or after the command ({@code portfw --log-level debug run}, {@code portfw run --log-level debug}). */
  @Option(names = LogLevel.OPTION, paramLabel = "LEVEL", scope = ScopeType.INHERIT,
      description = "trace, debug, info, warn, error or off; wins over PORTFW_LOG_LEVEL and the config's logging.level")
  void logLevel(String value) {
    var level = LogLevel.parse(value);
    if (level.isEmpty()) {
      throw new ParameterException(spec.commandLine(), LogLevel.OPTION + ": " + LogLevel.notALevel(value));
    }
    Logging.fixLevel(level.get(), LogLevel.OPTION);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.INVALID;
  }

  public static void main(String[] args) {
    var wrongLevel = LogLevel.apply(System.getenv(LogLevel.VARIABLE));
    if (wrongLevel.isPresent()) {
      System.err.println("portfw: " + wrongLevel.get());
      System.exit(ExitCodes.INVALID);
    }
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
