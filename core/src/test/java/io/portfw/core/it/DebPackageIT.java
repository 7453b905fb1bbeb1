package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portfw.testing.ExternalDaemon;
import io.portfw.testing.PortfwProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an operator meets it: built by packaging/build-deb.sh from the packaged jar
 * and man pages, installed with dpkg (this test runs as root and changes the machine's packages),
 * checked file by file and with systemd's and mandoc's own tools, then purged. A leftover install
 * from an earlier run is purged first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageIT {

  /**
   * The most {@code systemd-analyze security --offline=yes} may rate the unit's exposure (0 best, 10
   * worst). Measured 1.6 ("OK") with systemd 252: a forwarder needs the network, its capability and
   * the JVM's writable-executable memory, so it cannot reach 1. Above this a hardening line was lost.
   */
  static final double EXPOSURE_LIMIT = 2.0;

  static final Path UNIT = Path.of("/usr/lib/systemd/system/portfw.service");
  static final Path CONFIG = Path.of("/etc/portfw/portfw.json");
  static final Path STATE = Path.of("/var/lib/portfw");
  static final List<Path> INSTALLED = List.of(Path.of("/usr/share/portfw/portfw.jar"), Path.of("/usr/bin/portfw"),
      CONFIG, UNIT, Path.of("/usr/share/man/man1/portfw.1.gz"), Path.of("/usr/share/man/man1/portfw-run.1.gz"),
      Path.of("/usr/share/bash-completion/completions/portfw"));

  @TempDir
  static Path dir;

  Path deb;

  @BeforeAll
  void buildAndInstall() throws Exception {
    boolean required = System.getenv("PORTFW_REQUIRE_TOOLS") != null;
    boolean asRoot = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    if (required) {
      assertThat(asRoot).as("installing a package needs root").isTrue();
    } else {
      assumeTrue(asRoot, "not root: installing a package needs root");
    }
    ExternalDaemon.requireInstalled(Path.of("/usr/bin/dpkg"), "dpkg");
    ExternalDaemon.requireInstalled(Path.of("/usr/bin/systemd-analyze"), "systemd");
    ExternalDaemon.requireInstalled(Path.of("/usr/bin/mandoc"), "mandoc");
    if (run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "portfw").exitCode == 0) {
      assertThat(run("dpkg", "--purge", "portfw").exitCode).as("purging a leftover install").isZero();
    }

    Path checkout = PortfwProcess.builtJar().toAbsolutePath().getParent().getParent().getParent();
    Result built = run("bash", checkout.resolve("packaging/build-deb.sh").toString(), dir.toString());
    assertThat(built.exitCode).as(built.output).isZero();
    deb = Path.of(built.output.strip());
    assertThat(deb.getFileName().toString()).matches("portfw_\\d+\\.\\d+\\.\\d+(~SNAPSHOT)?_all\\.deb");

    Result installed = run("dpkg", "-i", deb.toString());
    assertThat(installed.exitCode).as(installed.output).isZero();
  }

  @AfterAll
  void purgeWhateverIsLeft() throws Exception {
    if (deb != null && run("dpkg-query", "-W", "portfw").exitCode == 0) {
      run("dpkg", "--purge", "portfw");
    }
  }

  @Test
  @Order(1)
  void control_dependsOnAJava17Runtime() throws Exception {
    Result fields = run("dpkg-deb", "-f", deb.toString(), "Depends", "Architecture", "Version");
    assertThat(fields.output).contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless")
        .contains("Architecture: all").containsPattern("Version: \\d+\\.\\d+\\.\\d+(~SNAPSHOT)?\n");
  }

  @Test
  @Order(2)
  void files_userAndState_areInstalledWithTheirModes() throws Exception {
    for (Path file : INSTALLED) {
      assertThat(file).as(file.toString()).isRegularFile();
    }
    assertThat(mode(Path.of("/usr/bin/portfw"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(Path.of("/usr/share/portfw/portfw.jar"))).isEqualTo("rw-r--r--");
    assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "portfw").output).contains(CONFIG.toString());

    Result user = run("getent", "passwd", "portfw");
    assertThat(user.exitCode).as("the portfw user exists").isZero();
    assertThat(user.output).contains(":/var/lib/portfw:/usr/sbin/nologin");
    assertThat(Integer.parseInt(run("id", "-u", "portfw").output.strip())).as("a system user").isLessThan(1000);

    assertThat(STATE).isDirectory();
    assertThat(mode(STATE)).isEqualTo("rwx------");
    assertThat(owner(STATE)).isEqualTo("portfw");
    assertThat(mode(CONFIG)).isEqualTo("rw-r-----");
    assertThat(group(CONFIG)).isEqualTo("portfw");
    assertThat(mode(CONFIG.getParent())).isEqualTo("rwxr-x---");
    assertThat(Files.readString(CONFIG)).contains("\"stateDir\": \"/var/lib/portfw\"");
  }

  @Test
  @Order(3)
  void installedCommand_printsItsVersion_andChecksTheShippedConfig_asThePortfwUser() throws Exception {
    Result version = run("/usr/bin/portfw", "--version");
    assertThat(version.exitCode).as(version.output).isZero();
    assertThat(version.output).containsPattern("^portfw \\d+\\.\\d+\\.\\d+\\S*, commit \\S+\n")
        .contains("Java 17.").contains("transport: epoll");

    Result check = run("/usr/bin/portfw", "check", "--config", CONFIG.toString());
    assertThat(check.exitCode).as(check.output).isZero();
    assertThat(check.output).isEqualTo(CONFIG + ": valid (1 listener, 1 pool, 2 backends)\n");
    // ExecStartPre runs as the unit's user: the config's group lets it read the file.
    Result asPortfw = run("runuser", "-u", "portfw", "--", "/usr/bin/portfw", "check", "--config", CONFIG.toString());
    assertThat(asPortfw.exitCode).as(asPortfw.output).isZero();
  }

  @Test
  @Order(4)
  void reinstall_runsTheMaintainerScriptsAgain_keepingTheUserStateAndTheOperatorsModes() throws Exception {
    for (String script : List.of("postinst", "prerm", "postrm")) {
      Result syntax = run("sh", "-n", "/var/lib/dpkg/info/portfw." + script);
      assertThat(syntax.exitCode).as(script + ": " + syntax.output).isZero();
    }
    String uid = run("id", "-u", "portfw").output;
    Files.setPosixFilePermissions(CONFIG, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(STATE.resolve("kept"), "state");
    try {
      Result again = run("dpkg", "-i", deb.toString());
      assertThat(again.exitCode).as(again.output).isZero();
      assertThat(mode(CONFIG)).as("an upgrade keeps the operator's mode").isEqualTo("rw-------");
    } finally {
      Files.setPosixFilePermissions(CONFIG, PosixFilePermissions.fromString("rw-r-----"));
    }
    assertThat(run("id", "-u", "portfw").output).as("the same user").isEqualTo(uid);
    assertThat(STATE.resolve("kept")).hasContent("state");
    assertThat(mode(STATE)).isEqualTo("rwx------");
  }

  @Test
  @Order(5)
  void unit_passesSystemdAnalyzeVerify_withoutAWarning() throws Exception {
    Result verify = run("systemd-analyze", "verify", UNIT.toString());
    assertThat(verify.exitCode).as(verify.output).isZero();
    assertThat(verify.output).isEmpty();
    String unit = Files.readString(UNIT);
    assertThat(unit).contains("Type=notify", "ExecStartPre=/usr/bin/portfw check --config /etc/portfw/portfw.json",
        "ExecStart=/usr/bin/portfw run --config /etc/portfw/portfw.json", "ExecReload=/bin/kill -HUP $MAINPID",
        "KillMode=mixed", "RestartPreventExitStatus=2", "User=portfw", "LimitNOFILE=1048576",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE", "StateDirectory=portfw")
        .doesNotContainPattern("(?m)^MemoryDenyWriteExecute=");
  }

  @Test
  @Order(6)
  void unit_exposure_isUnderTheLimit() throws Exception {
    Result security = run("systemd-analyze", "security", "--offline=yes", UNIT.toString());
    assertThat(security.exitCode).as(security.output).isZero();
    Matcher level = Pattern.compile("Overall exposure level for portfw\\.service: (\\d+\\.\\d+)").matcher(security.output);
    assertThat(level.find()).as(security.output).isTrue();
    assertThat(Double.parseDouble(level.group(1))).as(security.output).isLessThanOrEqualTo(EXPOSURE_LIMIT);
  }

  @Test
  @Order(7)
  void manPages_passMandocLint() throws Exception {
    // mandoc reads the pages as man-db would show them: unpacked here, under their installed names.
    Path pages = Files.createDirectories(dir.resolve("man1"));
    List<String> command = new ArrayList<>(List.of("mandoc", "-Tlint", "-W", "warning"));
    try (var installed = Files.list(Path.of("/usr/share/man/man1"))) {
      for (Path page : installed.filter(p -> p.getFileName().toString().startsWith("portfw")).sorted().toList()) {
        Path unpacked = pages.resolve(page.getFileName().toString().replaceFirst("\\.gz$", ""));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(page))) {
          Files.copy(in, unpacked);
        }
        command.add(unpacked.toString());
      }
    }
    assertThat(command).as("portfw(1) and a page per command").hasSizeGreaterThan(10);
    Result lint = run(command.toArray(String[]::new));
    assertThat(lint.output).isEmpty();
    assertThat(lint.exitCode).isZero();
  }

  @Test
  @Order(8)
  void purge_leavesNothingBehind() throws Exception {
    Result remove = run("dpkg", "--remove", "portfw");
    assertThat(remove.exitCode).as(remove.output).isZero();
    assertThat(CONFIG).as("remove keeps the conffile").exists();
    assertThat(Path.of("/usr/bin/portfw")).doesNotExist();

    Result purge = run("dpkg", "--purge", "portfw");
    assertThat(purge.exitCode).as(purge.output).isZero();
    for (Path file : INSTALLED) {
      assertThat(file).as(file.toString()).doesNotExist();
    }
    assertThat(Path.of("/usr/share/portfw")).doesNotExist();
    assertThat(CONFIG.getParent()).doesNotExist();
    assertThat(STATE).doesNotExist();
    assertThat(run("getent", "passwd", "portfw").exitCode).as("the portfw user is gone").isNotZero();
    assertThat(run("getent", "group", "portfw").exitCode).as("the portfw group is gone").isNotZero();
    assertThat(run("dpkg-query", "-W", "portfw").exitCode).as("dpkg has forgotten the package").isNotZero();
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }

  private static String owner(Path file) throws IOException {
    return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
  }

  private static String group(Path file) throws IOException {
    return Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
  }

  private record Result(int exitCode, String output) {}

  /** Runs a command to its end (at most a minute), its output and errors together. */
  private static Result run(String... command) throws Exception {
    Path output = Files.createTempFile("portfw-deb", ".txt");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within 60 s");
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
