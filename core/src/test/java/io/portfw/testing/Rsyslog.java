package io.portfw.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's rsyslogd in the foreground as a syslog receiver for a test: one UDP input on a
 * loopback port and one unix datagram socket in the test's directory (never /dev/log), every
 * message written to a file as {@code PRI|HOSTNAME|APP-NAME|PROCID|MSGID|STRUCTURED-DATA|MSG}.
 * The app name and message id are only filled when rsyslog parsed the message as RFC 5424.
 */
public final class Rsyslog extends ExternalDaemon {

  private static final Path BINARY = Path.of("/usr/sbin/rsyslogd");

  private final int udpPort;
  private final Path socket;
  private final Path received;

  private Rsyslog(Process process, int udpPort, Path socket, Path received) {
    super(process);
    this.udpPort = udpPort;
    this.socket = socket;
    this.received = received;
  }

  /** Starts it in {@code dir}; skips (or fails in CI) when rsyslog is not installed. */
  public static Rsyslog start(Path dir) throws IOException {
    requireInstalled(BINARY, "rsyslog");
    int port = Ports.free();
    Path socket = dir.resolve("log.sock");
    Path received = dir.resolve("received.log");
    Path conf = Files.writeString(dir.resolve("rsyslog.conf"), """
        global(workDirectory="%1$s")
        module(load="imudp")
        module(load="imuxsock" SysSock.Use="off")
        input(type="imudp" address="127.0.0.1" port="%2$d")
        input(type="imuxsock" Socket="%3$s" RateLimit.Interval="0" UseSpecialParser="off" ParseHostname="on")
        template(name="fields" type="string"
                 string="%%pri%%|%%hostname%%|%%app-name%%|%%procid%%|%%msgid%%|%%structured-data%%|%%msg%%\\n")
        *.* action(type="omfile" file="%4$s" template="fields")
        """.formatted(dir, port, socket, received));
    Process process = launch(List.of(BINARY.toString(), "-n", "-f", conf.toString(), "-i", dir.resolve("rsyslog.pid").toString()),
        dir.resolve("rsyslogd.out"));
    Rsyslog daemon = new Rsyslog(process, port, socket, received);
    Eventually.holds(Duration.ofSeconds(10), () -> "rsyslogd listening; it said: " + read(dir.resolve("rsyslogd.out")),
        () -> Files.exists(socket) && process.isAlive());
    return daemon;
  }

  public int udpPort() {
    return udpPort;
  }

  public Path socket() {
    return socket;
  }

  /** The messages received so far, one line each. */
  public List<String> received() {
    String text = read(received);
    return text.isEmpty() ? List.of() : text.lines().toList();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
