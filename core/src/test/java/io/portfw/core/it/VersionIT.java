package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import io.portfw.testing.PortfwProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code portfw --version} from the packaged jar: what a bug report needs, each part as this machine has it. */
class VersionIT {

  @Test
  void version_namesBuildCommitJavaLibrariesTransportAndTls() throws Exception {
    List<String> lines = version(List.of());
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).matches("portfw \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, commit ([0-9a-f]{7,}(-dirty)?|unknown)");
    String head = gitHead();
    if (head != null) {
      String commit = lines.get(0).replaceAll(".*, commit ", "").replace("-dirty", "");
      assertThat(head).as("the commit built (git rev-parse HEAD)").startsWith(commit);
    }
    assertThat(lines.get(1)).isEqualTo("Java " + System.getProperty("java.version") + " ("
        + System.getProperty("java.vendor") + ", " + System.getProperty("java.vm.name") + ")");
    String netty = Version.identify().get("netty-common").artifactVersion();
    assertThat(lines.get(2)).matches("Vert\\.x 5\\.\\d+\\.\\d+, Netty \\Q" + netty + "\\E");
    assertThat(lines.get(3)).isEqualTo("transport: epoll (its native library loads here)");
    assertThat(lines.get(4)).startsWith("TLS: BoringSSL (").endsWith(") through netty-tcnative");
  }

  @Test
  void version_withoutTheNativeLibraries_saysNioAndTheJdksTls_andWhy() throws Exception {
    List<String> lines = version(List.of("-Dio.netty.transport.noNative=true", "-Dio.netty.handler.ssl.noOpenSsl=true"));
    assertThat(lines.get(3)).isEqualTo("transport: NIO (epoll is unavailable: "
        + "Native transport was explicit disabled with -Dio.netty.transport.noNative=true)");
    assertThat(lines.get(4)).startsWith("TLS: the JDK's (netty-tcnative did not load: ").contains("noOpenSsl=true");
  }

  private static List<String> version(List<String> jvmFlags) throws Exception {
    try (PortfwProcess process = PortfwProcess.startWith(Map.of(), jvmFlags, "--version")) {
      assertThat(process.exitCode()).isZero();
      return process.stdout().lines().toList();
    }
  }

  /** The checkout's commit, or null outside a git checkout or without git. */
  private static String gitHead() throws Exception {
    Path root = PortfwProcess.builtJar().toAbsolutePath().getParent().getParent().getParent();
    if (!Files.exists(root.resolve(".git"))) {
      return null;
    }
    Process git;
    try {
      git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD").redirectErrorStream(true).start();
    } catch (java.io.IOException noGit) {
      return null;
    }
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return git.waitFor() == 0 ? out : null;
  }
}
