package io.portfw.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's vsftpd, started by a test in the foreground with a configuration of its own: anonymous
 * logins with uploads into {@code pub/}, passive mode only, on a loopback address. It runs as the
 * user who starts it (root in CI), without the sandbox and namespaces a container may forbid.
 * Required in CI ({@code PORTFW_REQUIRE_TOOLS}); skipped elsewhere when missing.
 */
public final class Vsftpd extends ExternalDaemon {

  private static final Path BINARY = Path.of("/usr/sbin/vsftpd");
  private final Path dir;

  private Vsftpd(Process process, Path dir) {
    super(process);
    this.dir = dir;
  }

  /**
   * Serves {@code dir/root} (with a writable {@code pub/}) on {@code host:controlPort}, data on
   * passive ports {@code passiveFirst..passiveLast} of the same host, announcing
   * {@code pasvAddress} in its PASV replies; returns once the control port accepts.
   */
  public static Vsftpd start(Path dir, String host, int controlPort, int passiveFirst, int passiveLast,
      String pasvAddress) throws IOException {
    requireInstalled(BINARY, "vsftpd");
    Path root = Files.createDirectories(dir.resolve("root"));
    Path pub = Files.createDirectories(root.resolve("pub"));
    pub.toFile().setWritable(true, false);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path conf = Files.writeString(dir.resolve("vsftpd.conf"), """
        listen=YES
        listen_ipv6=NO
        listen_address=%s
        listen_port=%d
        background=NO
        anonymous_enable=YES
        local_enable=NO
        anon_root=%s
        no_anon_password=YES
        write_enable=YES
        anon_upload_enable=YES
        anon_umask=022
        run_as_launching_user=YES
        ftp_username=%s
        seccomp_sandbox=NO
        isolate=NO
        isolate_network=NO
        secure_chroot_dir=%s
        pasv_enable=YES
        pasv_min_port=%d
        pasv_max_port=%d
        pasv_address=%s
        pasv_addr_resolve=NO
        port_enable=NO
        connect_from_port_20=NO
        vsftpd_log_file=%s
        log_ftp_protocol=YES
        """.formatted(host, controlPort, root, System.getProperty("user.name"), empty, passiveFirst,
        passiveLast, pasvAddress, dir.resolve("vsftpd.log")));
    Process process = launch(List.of(BINARY.toString(), conf.toString()), dir.resolve("out.log"));
    Vsftpd vsftpd = new Vsftpd(process, dir);
    Eventually.holds(Duration.ofSeconds(10), () -> "vsftpd on " + host + ":" + controlPort + ": " + vsftpd.log(),
        () -> process.isAlive() && accepts(host, controlPort));
    return vsftpd;
  }

  /** The directory it serves. */
  public Path root() {
    return dir.resolve("root");
  }

  public String log() {
    try {
      Path protocol = dir.resolve("vsftpd.log");
      return Files.readString(dir.resolve("out.log"))
          + (Files.exists(protocol) ? Files.readString(protocol) : "");
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static boolean accepts(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
