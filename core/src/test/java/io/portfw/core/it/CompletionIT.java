package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.PortfwProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portfw completion bash} from the packaged jar, sourced in a real bash that completes partial
 * command lines as the shell does at TAB: the words, the cursor's word, the function {@code complete}
 * registered for portfw.
 */
class CompletionIT {

  /** Sets the variables bash sets at TAB for the line in $2, calls portfw's completion function, prints the replies. */
  private static final String COMPLETE_LINE = """
      source "$1"
      fn=$(complete -p portfw | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')
      [ -n "$fn" ] || { echo "no completion function registered for portfw" >&2; exit 3; }
      line="$2"
      read -ra COMP_WORDS <<<"$line"
      [[ "$line" == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$line"; COMP_POINT=${#line}; COMPREPLY=()
      "$fn" portfw "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
      printf '%s\\n' "${COMPREPLY[@]}"
      """;

  @TempDir
  static Path dir;

  static Path script;

  @BeforeAll
  static void printTheScript() throws Exception {
    try (PortfwProcess completion = PortfwProcess.start("completion", "bash")) {
      assertThat(completion.exitCode()).isZero();
      script = Files.writeString(dir.resolve("portfw.bash"), completion.stdout());
    }
  }

  @Test
  void partialCommand_completesToTheCommand() throws Exception {
    assertThat(complete("portfw dr")).containsExactly("drain");
    assertThat(complete("portfw add")).containsExactly("add-backend");
  }

  @Test
  void noWordYet_offersEveryCommand_butNotTheHiddenTrainingRun() throws Exception {
    assertThat(complete("portfw ")).contains("run", "check", "status", "connections", "drain", "enable", "disable",
        "weight", "add-backend", "remove-backend", "kill", "save", "completion", "demo", "help").doesNotContain("train");
  }

  @Test
  void optionsOfRun_areOffered() throws Exception {
    assertThat(complete("portfw run --")).contains("--config", "--no-watch", "--pid-file", "--take-over",
        "--background", "--help");
    assertThat(complete("portfw run --ta")).containsExactly("--take-over");
  }

  @Test
  void completionItself_offersTheShells() throws Exception {
    assertThat(complete("portfw completion ")).containsExactlyInAnyOrder("bash", "zsh");
  }

  @Test
  void zsh_getsTheSameScript_whichLoadsBashcompinitInZsh() throws Exception {
    try (PortfwProcess zsh = PortfwProcess.start("completion", "zsh")) {
      assertThat(zsh.exitCode()).isZero();
      assertThat(zsh.stdout()).isEqualTo(Files.readString(script)).contains("bashcompinit");
    }
    try (PortfwProcess fish = PortfwProcess.start("completion", "fish")) {
      assertThat(fish.exitCode()).isEqualTo(2);
      assertThat(fish.stderr()).contains("expected one of [bash, zsh]");
    }
  }

  private static List<String> complete(String line) throws Exception {
    Process bash = new ProcessBuilder("bash", "-c", COMPLETE_LINE, "complete-line", script.toString(), line)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(10, TimeUnit.SECONDS)).as("bash finished").isTrue();
    assertThat(bash.exitValue()).as("bash's exit code for: " + line).isZero();
    return out.lines().filter(word -> !word.isEmpty()).toList();
  }
}
