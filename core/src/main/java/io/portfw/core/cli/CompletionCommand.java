package io.portfw.core.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portfw completion bash|zsh}: prints a script that completes portfw's commands and options,
 * made by picocli from the same model that parses them, so it cannot fall behind.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Prints a shell completion script for portfw's commands and options.",
        "bash: source <(portfw completion bash), or save it as /usr/share/bash-completion/completions/portfw.",
        "zsh: source <(portfw completion zsh) in ~/.zshrc; it is the bash script, which loads zsh's bashcompinit."})
final class CompletionCommand implements Callable<Integer> {

  /** The shells the script is for. */
  enum Shell { bash, zsh }

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @Override
  public Integer call() {
    // The same script for both: picocli's loads compinit and bashcompinit first when it runs in zsh.
    spec.commandLine().getOut().print(AutoComplete.bash("portfw", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
