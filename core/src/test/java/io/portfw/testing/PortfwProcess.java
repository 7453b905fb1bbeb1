package io.portfw.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged product run as an operator runs it: {@code java -jar portfw.jar ARGS} in its own
 * process, its output captured to files. Killed on close if it is still running.
 */
public final class PortfwProcess implements AutoCloseable {

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private PortfwProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static PortfwProcess start(String... args) throws IOException {
    return startWithJvmFlags(List.of(), args);
  }

  /** As {@link #start}, with flags for the JVM, e.g. {@code -Dio.netty.transport.noNative=true}. */
  public static PortfwProcess startWithJvmFlags(List<String> jvmFlags, String... args) throws IOException {
    return startWith(Map.of(), jvmFlags, args);
  }

  /** As {@link #startWithJvmFlags}, with variables added to its environment. */
  public static PortfwProcess startWith(Map<String, String> env, List<String> jvmFlags, String... args)
      throws IOException {
    return startJar(builtJar(), env, jvmFlags, args);
  }

  /** The jar this build packaged. */
  public static Path builtJar() {
    String jar = System.getProperty("portfw.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("the packaged jar is missing (system property portfw.jar=" + jar + ")");
    }
    return Path.of(jar);
  }

  /** As {@link #startWith}, from another copy of the jar (a build installed elsewhere). */
  public static PortfwProcess startJar(Path jar, Map<String, String> env, List<String> jvmFlags, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m"));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("portfw-out", ".txt");
    Path err = Files.createTempFile("portfw-err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process process = builder
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    return new PortfwProcess(process, out, err);
  }

  /** Runs to completion (at most 60 s) and returns the exit code. */
  public int exitCode() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("portfw did not exit within 60 s; stderr: " + stderr());
    }
    return process.exitValue();
  }

  /** Waits until {@code port} accepts connections, or fails with what the process printed. */
  public PortfwProcess awaitListening(int port) {
    Eventually.holds(Duration.ofSeconds(30), () -> "portfw listening on " + port + "; stderr: " + stderr(), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("portfw exited with " + process.exitValue() + "; stderr: " + stderr());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
    return this;
  }

  /** Sends SIGTERM, as {@code kill} and service managers do. */
  public void terminate() {
    process.destroy();
  }

  /** Sends SIGHUP (reload). */
  public void hangUp() {
    signal("HUP");
  }

  /** Sends a signal by name ({@code USR1}, ...) and waits for {@code kill} to have sent it. */
  public void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(stdout);
    Files.deleteIfExists(stderr);
  }
}
