package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portfw.config.ConfigLoader;
import io.portfw.config.PortfwConfig;
import io.portfw.testing.PortfwProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image of the Maven profile {@code image}, built by {@code jib:buildTar} offline on a base
 * image this test makes (a {@code docker save} tar with one layer), then read from the tar as a
 * runtime would: entrypoint and flags, command, user, ports, volume, environment, layers. No
 * registry and no container runtime are used; the image's classpath is run with this JVM to
 * check the shipped Kubernetes config, which proves the layers hold every class portfw needs.
 *
 * <p>The build runs Maven as a child process on this checkout ({@code -o -pl core -am package
 * jib:buildTar}, without compiling tests), bounded to 5 minutes; it needs the Jib plugin in the local
 * repository, which .ci/run fetches.
 */
class ContainerImageIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path IMAGE_TAR = ROOT.resolve("core/target/jib-image.tar");
  private static final String TOKEN = "image-test-token-0123456789";

  @TempDir
  Path tmp;

  @Test
  void imageBuiltOffline_onAGivenBase_runsPortfwAsItShould() throws Exception {
    Path base = baseImage();
    Files.deleteIfExists(IMAGE_TAR);
    Path log = tmp.resolve("mvn.log");
    Process mvn = new ProcessBuilder("mvn", "-B", "-ntp", "-o", "-q", "-Pimage", "-pl", "core", "-am",
        "-Dmaven.test.skip=true", "package", "jib:buildTar",
        "-Djib.from.image=tar://" + base, "-Dimage=portfw:image-test")
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!mvn.waitFor(5, TimeUnit.MINUTES)) {
      mvn.destroyForcibly();
      throw new AssertionError("the image build did not finish in 5 minutes: " + tail(log));
    }
    assertThat(mvn.exitValue()).as("mvn -Pimage package jib:buildTar: " + tail(log)).isZero();
    assertThat(IMAGE_TAR).exists();

    JsonNode manifest = new ObjectMapper().readTree(extract(IMAGE_TAR, "manifest.json")).get(0);
    assertThat(manifest.at("/RepoTags/0").asText()).isEqualTo("portfw:image-test");
    JsonNode config = new ObjectMapper().readTree(extract(IMAGE_TAR, manifest.at("/Config").asText())).at("/config");

    // The JVM: bin/portfw's flags, but the heap from the container's memory, never a fixed -Xmx.
    List<String> entrypoint = texts(config.at("/Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo("io.portfw.core.cli.Main");
    assertThat(entrypoint).anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="))
        .noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-XX:MaxHeapSize"));
    for (String flag : binPortfwFlags()) {
      if (!flag.startsWith("-Xmx") && !flag.startsWith("-XX:MaxDirectMemorySize")) {
        assertThat(entrypoint).as("bin/portfw's " + flag).contains(flag);
      }
    }
    assertThat(texts(config.at("/Cmd"))).containsExactly("run", "--config", "/etc/portfw/portfw.json");

    // Who, where, which ports: a numeric non-root user, the config directory a volume, the shipped config's ports.
    String user = config.at("/User").asText();
    assertThat(user).matches("[0-9]+(:[0-9]+)?");
    assertThat(user.split(":")[0]).isNotEqualTo("0");
    assertThat(fieldNames(config.at("/Volumes"))).containsExactly("/etc/portfw");
    PortfwConfig shipped = ConfigLoader.load(ROOT.resolve("deploy/kubernetes/base/portfw.json"),
        Map.of("PORTFW_ADMIN_TOKEN", TOKEN)::get);
    Set<String> ports = new TreeSet<>();
    ports.add(shipped.admin().listen().firstPort() + "/tcp");
    shipped.listeners().forEach(l -> ports.add(l.listen().firstPort() + "/" + l.protocol().id()));
    assertThat(fieldNames(config.at("/ExposedPorts"))).containsExactlyInAnyOrderElementsOf(ports);
    assertThat(texts(config.at("/Env"))).as("the base image's environment is kept")
        .contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=/opt/java");

    // The layers: the base's first, then portfw's, whose classpath runs portfw check on the shipped config.
    List<String> layers = texts(manifest.at("/Layers"));
    Path root = Files.createDirectories(tmp.resolve("root"));
    for (String layer : layers) {
      Path file = Files.write(tmp.resolve("layer"), extractBytes(IMAGE_TAR, layer));
      run(List.of("tar", "-xf", file.toString(), "-C", root.toString()));
    }
    assertThat(root.resolve("etc/os-release")).as("the base's layer").hasContent("ID=portfw-test-base");
    String classpath = Files.readString(root.resolve("app/jib-classpath-file")).strip();
    for (String entry : classpath.split(":")) {
      assertThat(root.resolve(entry.substring(1))).as("classpath entry " + entry).exists();
      if (entry.startsWith("/app/libs/")) {
        assertThat(root.resolve(entry.substring(1))).as(entry + " is a jar").isRegularFile();
      }
    }
    assertThat(classpath).contains("/app/libs/portfw-config-", "/app/libs/portfw-health-", "/app/classes");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(entrypoint.subList(1, entrypoint.indexOf("-cp")));
    command.addAll(List.of("-cp", classpath.replace("/app/", root.resolve("app") + "/"), "io.portfw.core.cli.Main",
        "check", "--config", ROOT.resolve("deploy/kubernetes/base/portfw.json").toString()));
    ProcessBuilder check = new ProcessBuilder(command).redirectErrorStream(true);
    check.environment().put("PORTFW_ADMIN_TOKEN", TOKEN);
    String output = run(check);
    assertThat(output).contains("valid");
    assertThat(PortfwProcess.builtJar()).as("the outer build's jar is still there for the other tests").exists();
  }

  /** A minimal base in {@code docker save} form: one layer with an os-release file, and an environment. */
  private Path baseImage() throws Exception {
    Path rootfs = Files.createDirectories(tmp.resolve("base-rootfs/etc"));
    Files.writeString(rootfs.resolve("os-release"), "ID=portfw-test-base");
    Path dir = Files.createDirectories(tmp.resolve("base"));
    run(List.of("tar", "-cf", dir.resolve("layer.tar").toString(), "-C", tmp.resolve("base-rootfs").toString(), "etc"));
    String diffId = "sha256:" + HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("layer.tar"))));
    Files.writeString(dir.resolve("config.json"), """
        {"architecture": "amd64", "os": "linux",
         "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=/opt/java"]},
         "rootfs": {"type": "layers", "diff_ids": ["%s"]}}
        """.formatted(diffId));
    Files.writeString(dir.resolve("manifest.json"),
        "[{\"Config\": \"config.json\", \"RepoTags\": [\"portfw-test-base:1\"], \"Layers\": [\"layer.tar\"]}]");
    Path tar = tmp.resolve("base.tar");
    run(List.of("tar", "-cf", tar.toString(), "-C", dir.toString(), "manifest.json", "config.json", "layer.tar"));
    return tar;
  }

  /** The flags bin/portfw gives java by default ({@code default_opts}). */
  private static List<String> binPortfwFlags() throws IOException {
    List<String> flags = new ArrayList<>();
    Matcher m = Pattern.compile("default_opts=\"(?:\\$default_opts )?([^\"]*)\"").matcher(Files.readString(ROOT.resolve("bin/portfw")));
    while (m.find()) {
      flags.addAll(Arrays.asList(m.group(1).trim().split("\\s+")));
    }
    assertThat(flags).as("bin/portfw's default_opts").isNotEmpty();
    return flags;
  }

  private static String extract(Path tar, String member) throws IOException, InterruptedException {
    return new String(extractBytes(tar, member), StandardCharsets.UTF_8);
  }

  private static byte[] extractBytes(Path tar, String member) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", "-xOf", tar.toString(), member).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("tar -xOf " + member).isTrue();
    return bytes;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    return run(new ProcessBuilder(command).redirectErrorStream(true));
  }

  private static String run(ProcessBuilder builder) throws IOException, InterruptedException {
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(builder.command() + " did not finish in 60 s");
    }
    assertThat(p.exitValue()).as(builder.command() + ": " + output).isZero();
    return output;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static List<String> texts(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
