package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.ExternalDaemon;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.Vsftpd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/examples/ftp.json in front of a real vsftpd, with curl as the client: downloads and uploads
 * through portfw in passive (PASV) and extended passive (EPSV) mode, byte for byte. vsftpd listens
 * on 127.0.0.2 only and portfw on 127.0.0.1, so every transfer that works went through portfw.
 */
class FtpIT {

  private static final Path EXAMPLE = Path.of("..", "docs", "examples", "ftp.json");
  private static final Path CURL = Path.of("/usr/bin/curl");
  private static final String SERVER = "127.0.0.2";
  private static final int PASSIVE_PORTS = 20;
  private static final Pattern PASV_REPLY =
      Pattern.compile("227 Entering Passive Mode \\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");
  private static final Pattern EPSV_REPLY = Pattern.compile("229 Entering Extended Passive Mode \\(\\|\\|\\|(\\d+)\\|\\)");

  @TempDir
  Path dir;

  private int control;
  private int passiveFirst;
  private int passiveLast;

  @BeforeEach
  void ports() {
    ExternalDaemon.requireInstalled(CURL, "curl");
    // The passive ports must be free on both addresses: vsftpd binds them on 127.0.0.2, portfw on 127.0.0.1.
    passiveFirst = Ports.freeRange(PASSIVE_PORTS, "127.0.0.1", SERVER);
    passiveLast = passiveFirst + PASSIVE_PORTS - 1;
    do {
      control = Ports.freeRange(1, "127.0.0.1", SERVER);
    } while (control >= passiveFirst && control <= passiveLast);
  }

  @Test
  void downloadsAndUploads_passiveAndExtendedPassive_byteForByte() throws Exception {
    Files.createDirectories(dir.resolve("ftp"));
    try (Vsftpd vsftpd = Vsftpd.start(dir.resolve("ftp"), SERVER, control, passiveFirst, passiveLast, "127.0.0.1");
        PortfwProcess portfw = PortfwProcess.start("run", "--no-watch", "--config", exampleOnLoopback().toString())
            .awaitListening(control)) {
      byte[] served = randomBytes(300_000, 1);
      Files.write(vsftpd.root().resolve("data.bin"), served);
      String url = "ftp://127.0.0.1:" + control + "/";

      Path pasvCopy = dir.resolve("pasv.bin");
      String pasv = curl(vsftpd, "--ftp-pasv", "--disable-epsv", "-o", pasvCopy.toString(), url + "data.bin");
      assertPasvAnnouncesPortfw(pasv);
      assertThat(sha256(Files.readAllBytes(pasvCopy))).as("PASV download").isEqualTo(sha256(served));

      Path epsvCopy = dir.resolve("epsv.bin");
      String epsv = curl(vsftpd, "--ftp-pasv", "-o", epsvCopy.toString(), url + "data.bin");
      assertEpsvInRange(epsv);
      assertThat(sha256(Files.readAllBytes(epsvCopy))).as("EPSV download").isEqualTo(sha256(served));

      byte[] upload = randomBytes(200_000, 2);
      Path local = Files.write(dir.resolve("upload.bin"), upload);
      assertPasvAnnouncesPortfw(curl(vsftpd, "--ftp-pasv", "--disable-epsv", "-T", local.toString(),
          url + "pub/pasv-up.bin"));
      assertThat(sha256(Files.readAllBytes(vsftpd.root().resolve("pub/pasv-up.bin")))).as("PASV upload")
          .isEqualTo(sha256(upload));
      assertEpsvInRange(curl(vsftpd, "--ftp-pasv", "-T", local.toString(), url + "pub/epsv-up.bin"));
      assertThat(sha256(Files.readAllBytes(vsftpd.root().resolve("pub/epsv-up.bin")))).as("EPSV upload")
          .isEqualTo(sha256(upload));
    }
  }

  /** The example with its public ports and server replaced by loopback ones; each must be found. */
  private Path exampleOnLoopback() throws Exception {
    String config = Files.readString(EXAMPLE);
    config = replaceOnce(config, "\"0.0.0.0:21\"", "\"127.0.0.1:" + control + "\"");
    config = replaceOnce(config, "\"0.0.0.0:30000-30019\"", "\"127.0.0.1:" + passiveFirst + "-" + passiveLast + "\"");
    config = replaceOnce(config, "\"192.168.1.30\"", "\"" + SERVER + "\"");
    return Files.writeString(dir.resolve("ftp.json"), config);
  }

  private static String replaceOnce(String text, String from, String to) {
    assertThat(text.split(Pattern.quote(from), -1)).as("%s once in %s", from, EXAMPLE).hasSize(2);
    return text.replace(from, to);
  }

  /** The server's PASV reply names portfw's address and a port of the forwarded range. */
  private void assertPasvAnnouncesPortfw(String curlLog) {
    Matcher m = PASV_REPLY.matcher(curlLog);
    assertThat(m.find()).as("a PASV reply in: %s", curlLog).isTrue();
    assertThat(m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4)).isEqualTo("127.0.0.1");
    assertThat(Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6))).isBetween(passiveFirst, passiveLast);
  }

  private void assertEpsvInRange(String curlLog) {
    Matcher m = EPSV_REPLY.matcher(curlLog);
    assertThat(m.find()).as("an EPSV reply in: %s", curlLog).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isBetween(passiveFirst, passiveLast);
  }

  /** Runs curl (verbose, bounded in time), asserts it succeeded and returns what it printed. */
  private static String curl(Vsftpd vsftpd, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "-sS", "-v", "--max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
    assertThat(p.exitValue()).as("curl %s:%n%s%nvsftpd:%n%s", List.of(args), out, vsftpd.log()).isZero();
    return out;
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
