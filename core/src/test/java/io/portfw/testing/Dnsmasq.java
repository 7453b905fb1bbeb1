package io.portfw.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: Debian's dnsmasq on a loopback port, answering only for the
 * names it is given, never asking anyone else. Required in CI ({@code PORTFW_REQUIRE_TOOLS}); a
 * local run without dnsmasq skips the test that needs it.
 */
public final class Dnsmasq extends ExternalDaemon {

  private static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
  private final int port;

  private Dnsmasq(Process process, int port) {
    super(process);
    this.port = port;
  }

  /** Answers {@code NAME} with {@code ADDRESS} for each {@code "NAME=ADDRESS"}. */
  public static Dnsmasq start(String... records) throws IOException, InterruptedException {
    return start(Ports.free(), records);
  }

  public static Dnsmasq start(int port, String... records) throws IOException, InterruptedException {
    List<String> extra = new ArrayList<>();
    for (String record : records) {
      String[] parts = record.split("=", 2);
      extra.add("--host-record=" + parts[0] + "," + parts[1]);
    }
    return start(port, extra);
  }

  /**
   * Answers from a file in /etc/hosts format, with a TTL of 0; {@link #reload} makes it read the
   * file again, so a test can change an answer.
   */
  public static Dnsmasq withHostsFile(Path hosts) throws IOException, InterruptedException {
    return start(Ports.free(), List.of("--addn-hosts=" + hosts, "--local-ttl=0"));
  }

  /**
   * Answers for {@code domain} as its authority would (NXDOMAIN for a name it does not know, no
   * records for a type a name lacks) from a hosts file (TTL 0, re-read on {@link #reload}) and with
   * the given SRV records, each {@code "NAME,TARGET,PORT,PRIORITY,WEIGHT"} as {@code --srv-host}
   * takes it. SIGHUP does not change SRV records: to change them, close this one and start another
   * on the same port.
   */
  public static Dnsmasq authority(int port, String domain, Path hosts, String... srvRecords)
      throws IOException, InterruptedException {
    List<String> extra = new ArrayList<>(List.of("--local=/" + domain + "/", "--addn-hosts=" + hosts, "--local-ttl=0"));
    for (String srv : srvRecords) {
      extra.add("--srv-host=" + srv);
    }
    return start(port, extra);
  }

  private static Dnsmasq start(int port, List<String> extra) throws IOException, InterruptedException {
    requireInstalled(BINARY, "dnsmasq-base");
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--keep-in-foreground", "--conf-file=/dev/null",
        "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
        "--no-negcache", "--pid-file=", "--cache-size=0", "--user=root", "--group=root"));
    command.addAll(extra);
    Dnsmasq server = new Dnsmasq(launch(command, Files.createTempFile("dnsmasq", ".log")), port);
    server.awaitAnswering();
    return server;
  }

  public int port() {
    return port;
  }

  /** SIGHUP: dnsmasq reads its hosts files again. */
  public void reload() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("could not signal dnsmasq");
    }
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  private void awaitAnswering() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    byte[] query = DnsQueries.query(1, "ready.check");
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(200);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("dnsmasq exited with " + process.exitValue());
        }
        s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
        try {
          s.receive(new DatagramPacket(new byte[512], 512));
          return;
        } catch (java.net.SocketTimeoutException notYet) {
          // keep asking
        }
      }
    }
    throw new IllegalStateException("dnsmasq did not answer on port " + port + " within 10 s");
  }
}
