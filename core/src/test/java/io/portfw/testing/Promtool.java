package io.portfw.testing;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own checker, {@code promtool} from Debian's {@code prometheus} package: rule files,
 * their unit tests, the scrape format, and queries against a running {@link Prometheus}. Required
 * in CI ({@code PORTFW_REQUIRE_TOOLS}); skipped elsewhere when missing.
 */
public final class Promtool {

  private static final Path BINARY = Path.of("/usr/bin/promtool");

  /** What one run printed and how it exited. */
  public record Run(int exitCode, String stdout, String stderr) {
    /** Both streams, for failure messages. */
    public String output() {
      return stdout + stderr;
    }
  }

  private Promtool() {
  }

  public static void requireInstalled() {
    ExternalDaemon.requireInstalled(BINARY, "prometheus");
  }

  /** Runs {@code promtool ARGS} in {@code dir}, at most 60 s. */
  public static Run run(Path dir, String... args) throws IOException, InterruptedException {
    return withInput(dir, null, args);
  }

  /** As {@link #run(Path, String...)}, with {@code input} on its standard input. */
  public static Run withInput(Path dir, String input, String... args) throws IOException, InterruptedException {
    requireInstalled();
    List<String> command = new ArrayList<>(List.of(BINARY.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("promtool-out", ".txt");
    Path err = Files.createTempFile("promtool-err", ".txt");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      if (input == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process process = builder.start();
      if (input != null) {
        try (var stdin = process.getOutputStream()) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("promtool " + args[0] + " did not end within 60 s");
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * The series an instant query returns now ({@code promtool query instant -o json}); fails with
   * promtool's message when the server refuses the expression.
   */
  public static JsonArray query(String server, String expr) throws IOException, InterruptedException {
    Run run = run(Path.of("."), "query", "instant", "-o", "json", server, expr);
    if (run.exitCode() != 0) {
      throw new IllegalArgumentException(run.output().strip());
    }
    String json = run.stdout().strip();
    return json.isEmpty() ? new JsonArray() : new JsonArray(json);
  }
}
