package io.portfw.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A daemon from a Debian package that a test starts in the foreground ({@link Dnsmasq},
 * {@link Nginx}): looked for first, its output written to a log file, stopped on close.
 */
public abstract class ExternalDaemon implements AutoCloseable {

  protected final Process process;

  protected ExternalDaemon(Process process) {
    this.process = process;
  }

  /** Fails (in CI) or skips (elsewhere) when a tool is missing. */
  public static void requireInstalled(Path binary, String debianPackage) {
    if (System.getenv("PORTFW_REQUIRE_TOOLS") != null) {
      if (!Files.isExecutable(binary)) {
        throw new AssertionError(binary + " is missing: apt-get install " + debianPackage);
      }
    } else {
      assumeTrue(Files.isExecutable(binary), binary + " is missing (apt-get install " + debianPackage + ")");
    }
  }

  /** Starts {@code command}, its standard output and error both into {@code log}. */
  protected static Process launch(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
