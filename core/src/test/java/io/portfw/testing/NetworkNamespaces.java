package io.portfw.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces a test creates with iproute2's {@code ip} and deletes on close, together with
 * whatever interfaces live in them. Names carry this JVM's pid so that parallel runs never meet. Nothing
 * is routed out of them: they only reach each other through the veth pairs and bridges the test adds.
 */
public final class NetworkNamespaces implements AutoCloseable {

  private final String prefix = "pfw" + ProcessHandle.current().pid() + "-";
  private final List<String> created = new ArrayList<>();

  /**
   * Creates a namespace with its loopback up and returns its full name. The first one decides whether
   * namespaces can be made here: where they cannot, the test fails in CI ({@code PORTFW_REQUIRE_TOOLS})
   * and is skipped elsewhere with the reason.
   */
  public String add(String shortName) throws IOException, InterruptedException {
    String name = prefix + shortName;
    Result result;
    try {
      result = run(List.of("ip", "netns", "add", name));
    } catch (IOException noIp) {
      result = new Result(-1, noIp.getMessage());
    }
    if (created.isEmpty() && result.exit != 0) {
      String reason = "network namespaces cannot be created here (ip netns add: " + result.output.strip()
          + "); it needs root or CAP_SYS_ADMIN and iproute2";
      if (System.getenv("PORTFW_REQUIRE_TOOLS") != null) {
        throw new AssertionError(reason);
      }
      assumeTrue(false, reason);
    }
    check(result, "ip netns add " + name);
    created.add(name);
    ip(name, "link", "set", "lo", "up");
    return name;
  }

  /** Runs {@code ip -n NAMESPACE ARGS} and fails with its output unless it exits 0. */
  public void ip(String namespace, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
    command.addAll(List.of(args));
    check(run(command), String.join(" ", command));
  }

  /** A process builder for {@code command} run inside {@code namespace} ({@code ip netns exec}, which execs it). */
  public static ProcessBuilder exec(String namespace, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    return new ProcessBuilder(full);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    List<String> failures = new ArrayList<>();
    for (int i = created.size() - 1; i >= 0; i--) {
      String name = created.get(i);
      Result result = run(List.of("ip", "netns", "delete", name));
      if (result.exit != 0) {
        failures.add(name + ": " + result.output.strip());
      }
    }
    created.clear();
    if (!failures.isEmpty()) {
      throw new AssertionError("could not delete network namespaces " + failures);
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, String.join(" ", command) + " did not finish within 20 s");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static void check(Result result, String what) {
    if (result.exit != 0) {
      throw new AssertionError(what + " failed with exit " + result.exit + ": " + result.output.strip());
    }
  }
}
