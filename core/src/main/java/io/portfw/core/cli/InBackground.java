package io.portfw.core.cli;

import io.portfw.core.takeover.StateDirectory;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code run --take-over --background}: starts this same command line without
 * {@code --background} as a new process and returns once it serves, leaving it running. A service
 * manager's reload command must end; the process it starts goes on as the service's main process.
 */
final class InBackground {

  /** Longer than any start: the new process's own steps each give up within 30 s. */
  private static final long WAIT_SECONDS = 120;

  private InBackground() {}

  static int start(PrintWriter err, Path pidFile, StateDirectory state) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow(() -> new IOException("no java command")));
    command.addAll(List.of(ProcessHandle.current().info().arguments().orElseThrow(
        () -> new IOException("cannot read this process's arguments"))));
    command.remove("--background");
    Path ready = pidFile;
    if (ready == null) {
      state.prepare();
      ready = state.path().resolve("taking-over.pid");
      Files.deleteIfExists(ready);
      command.add("--pid-file");
      command.add(ready.toString());
    }
    Process child = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String pid = Long.toString(child.pid());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (child.waitFor(50, TimeUnit.MILLISECONDS)) {
        err.println("portfw: the new process " + pid + " ended with exit code " + child.exitValue()
            + "; the running one goes on serving");
        err.flush();
        return child.exitValue() == 0 ? ExitCodes.FAILURE : child.exitValue();
      }
      if (Files.exists(ready) && Files.readString(ready).trim().equals(pid)) {
        err.println("portfw: process " + pid + " took over and serves");
        err.flush();
        return ExitCodes.OK;
      }
    }
    err.println("portfw: the new process " + pid + " did not take over within " + WAIT_SECONDS + " s; it was left"
        + " running");
    err.flush();
    return ExitCodes.FAILURE;
  }
}
