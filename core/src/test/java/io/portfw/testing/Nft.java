package io.portfw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code nft} (package {@code nftables}), used only to check that a ruleset written for a
 * test is one nft accepts: {@code nft -j -c -f FILE} parses and validates JSON without applying it.
 * Required in CI ({@code PORTFW_REQUIRE_TOOLS}); skipped elsewhere when missing.
 */
public final class Nft {

  private static final Path BINARY = Path.of("/usr/sbin/nft");

  private Nft() {}

  public static void requireInstalled() {
    ExternalDaemon.requireInstalled(BINARY, "nftables");
  }

  /** nft's complaints about the JSON ruleset in {@code file}, or "" when it accepts it. Never applies it. */
  public static String checkJson(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(BINARY.toString(), "-j", "-c", "-f", file.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "nft -c did not finish in 30 s";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
  }
}
