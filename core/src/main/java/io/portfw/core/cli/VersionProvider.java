package io.portfw.core.cli;

import io.netty.util.Version;
import io.portfw.core.listener.NettyTransport;
import io.portfw.core.tls.TlsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code --version} prints: portfw's version and commit, and what it would run on here (Java,
 * Vert.x, Netty, the transport and the TLS provider), so a bug report carries all of it.
 */
final class VersionProvider implements IVersionProvider {

  /** Written at build time by git-commit-id-maven-plugin; missing when the build had no git checkout. */
  private static final String GIT_PROPERTIES = "git.properties";
  private static final String VERTX_VERSION = "/META-INF/vertx/vertx-version.txt";
  private static final String UNKNOWN = "unknown";

  @Override
  public String[] getVersion() {
    Properties build = buildProperties();
    String version = build.getProperty("git.build.version", Main.class.getPackage().getImplementationVersion());
    return new String[] {
        "portfw " + (version == null ? "(development build)" : version) + ", commit " + commit(build),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
            + System.getProperty("java.vm.name") + ")",
        "Vert.x " + vertxVersion() + ", Netty " + nettyVersion(),
        "transport: " + NettyTransport.available(),
        "TLS: " + TlsProvider.describe()};
  }

  /** The abbreviated commit, with {@code -dirty} when the build's work tree had uncommitted changes. */
  private static String commit(Properties git) {
    String id = git.getProperty("git.commit.id.abbrev", "");
    if (id.isBlank()) {
      return UNKNOWN;
    }
    return id + (Boolean.parseBoolean(git.getProperty("git.dirty")) ? "-dirty" : "");
  }

  /** The build's git.properties; empty when the build had no git checkout. */
  private static Properties buildProperties() {
    Properties git = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(GIT_PROPERTIES)) {
      if (in != null) {
        git.load(in);
      }
    } catch (IOException e) {
      // as if there were none: the commit is unknown
    }
    return git;
  }

  private static String vertxVersion() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(VERTX_VERSION)) {
      return in == null ? UNKNOWN : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return UNKNOWN;
    }
  }

  private static String nettyVersion() {
    // The fat jar keeps one artifact's version file (netty-common's); every Netty artifact has the same version.
    return Version.identify().values().stream().map(Version::artifactVersion).findFirst().orElse(UNKNOWN);
  }
}
