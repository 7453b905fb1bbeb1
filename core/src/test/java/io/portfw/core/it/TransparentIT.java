package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.NamespacePeer;
import io.portfw.testing.NetworkNamespaces;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Transparent pools: the backend sees the client's own address, as behind kernel port forwarding.
 *
 * <p>Three namespaces, addresses from a private range nothing else here uses: {@code client}
 * (10.77.1.2) on a veth to {@code gw} (10.77.1.1, and 10.77.2.1 toward the backend), {@code server}
 * (10.77.2.2, its default route via 10.77.2.1, so its replies come back through the gateway). In
 * {@code gw}, the set-up of docs/transparent.md: an nft rule marks packets that belong to a transparent
 * socket, and a policy route delivers marked packets locally.
 */
class TransparentIT {

  private static final String CLIENT = "10.77.1.2";
  private static final String GATEWAY_FRONT = "10.77.1.1";
  private static final String GATEWAY_BACK = "10.77.2.1";
  private static final String SERVER = "10.77.2.2";
  private static final int TCP_PORT = 80;
  private static final int UDP_PORT = 53;
  private static final int SERVER_TCP_PORT = 8080;
  private static final int SERVER_UDP_PORT = 8053;

  @Test
  void backendSeesTheClientsAddress_overTcpAndUdp_andAPlainPoolStillShowsTheGateway() throws Exception {
    try (NetworkNamespaces namespaces = new NetworkNamespaces(); NamespacePeer peer = new NamespacePeer()) {
      String client = namespaces.add("client");
      String gw = namespaces.add("gw");
      String server = namespaces.add("server");
      wire(namespaces, client, gw, server);
      divert(namespaces, gw);

      Path config = Files.createTempFile("portfw-transparent", ".json");
      Path err = Files.createTempFile("portfw-transparent-err", ".txt");
      List<Process> started = new ArrayList<>();
      try {
        Files.writeString(config, """
            { "listeners": [
                { "name": "web", "listen": "%1$s:%2$d", "pool": "web" },
                { "name": "plain", "listen": "%1$s:%3$d", "pool": "plain" },
                { "name": "dns", "listen": "%1$s:%4$d", "protocol": "udp", "pool": "dns" } ],
              "pools": [
                { "name": "web", "transparent": true, "backends": [ { "address": "%5$s:%6$d" } ] },
                { "name": "plain", "backends": [ { "address": "%5$s:%6$d" } ] },
                { "name": "dns", "transparent": true, "backends": [ { "address": "%5$s:%7$d" } ] } ] }
            """.formatted(GATEWAY_FRONT, TCP_PORT, TCP_PORT + 1, UDP_PORT, SERVER, SERVER_TCP_PORT, SERVER_UDP_PORT));
        started.add(peer.serve(server, SERVER, SERVER_TCP_PORT));
        started.add(peer.serveUdp(server, SERVER, SERVER_UDP_PORT));
        started.add(NetworkNamespaces.exec(gw, List.of(java(), "-Xmx128m", "-jar", PortfwProcess.builtJar().toString(),
                "run", "--config", config.toString()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start());

        assertThat(peer.ask(client, CLIENT, GATEWAY_FRONT, TCP_PORT))
            .as("TCP through the transparent pool; portfw stderr: %s", Files.readString(err))
            .isEqualTo("peer " + CLIENT);
        assertThat(peer.askUdp(client, CLIENT, GATEWAY_FRONT, UDP_PORT))
            .as("UDP through the transparent pool; portfw stderr: %s", Files.readString(err))
            .isEqualTo("peer " + CLIENT);
        assertThat(peer.ask(client, CLIENT, GATEWAY_FRONT, TCP_PORT + 1))
            .as("the same backend through a pool that is not transparent")
            .isEqualTo("peer " + GATEWAY_BACK);
        assertThat(started.get(2).isAlive()).as("portfw still running").isTrue();
      } finally {
        for (Process p : started) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(config);
        Files.deleteIfExists(err);
      }
    }
  }

  @Test
  void withoutCapNetAdmin_aTransparentPoolIsRefusedAtStart_sayingWhatIsMissing() throws Exception {
    Path config = Files.createTempFile("portfw-transparent-nocap", ".json");
    try {
      Files.writeString(config, """
          { "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
            "pools": [ { "name": "web", "transparent": true, "backends": [ { "address": "127.0.0.1:9" } ] } ] }
          """.formatted(Ports.free()));
      // setpriv (util-linux) takes the capability out of the bounding set: root keeps the rest but not CAP_NET_ADMIN.
      Process p = new ProcessBuilder("setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin",
          java(), "-Xmx64m", "-jar", PortfwProcess.builtJar().toString(), "run", "--config", config.toString())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("portfw exits").isTrue();
      String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("exit code; stderr: %s", stderr).isNotZero();
      assertThat(stderr).contains("pool web", "\"transparent\" needs the CAP_NET_ADMIN capability");
    } finally {
      Files.deleteIfExists(config);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void wire(NetworkNamespaces ns, String client, String gw, String server) throws Exception {
    ns.ip(gw, "link", "add", "front", "type", "veth", "peer", "name", "eth0", "netns", client);
    ns.ip(gw, "addr", "add", GATEWAY_FRONT + "/24", "dev", "front");
    ns.ip(gw, "link", "set", "front", "up");
    ns.ip(client, "addr", "add", CLIENT + "/24", "dev", "eth0");
    ns.ip(client, "link", "set", "eth0", "up");

    ns.ip(gw, "link", "add", "back", "type", "veth", "peer", "name", "eth0", "netns", server);
    ns.ip(gw, "addr", "add", GATEWAY_BACK + "/24", "dev", "back");
    ns.ip(gw, "link", "set", "back", "up");
    ns.ip(server, "addr", "add", SERVER + "/24", "dev", "eth0");
    ns.ip(server, "link", "set", "eth0", "up");
    // The backend answers the client's address: through the gateway, as docs/transparent.md requires.
    ns.ip(server, "route", "add", "default", "via", GATEWAY_BACK);
  }

  /** The gateway's part of docs/transparent.md: replies to transparent sockets are delivered locally. */
  private static void divert(NetworkNamespaces ns, String gw) throws Exception {
    ns.ip(gw, "rule", "add", "fwmark", "1", "lookup", "100");
    ns.ip(gw, "route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "100");
    Process nft = NetworkNamespaces.exec(gw, List.of("nft", "-f", "-")).redirectErrorStream(true).start();
    nft.getOutputStream().write("""
        table ip portfw_transparent {
          chain divert {
            type filter hook prerouting priority mangle; policy accept;
            meta l4proto { tcp, udp } socket transparent 1 meta mark set 1 accept
          }
        }
        """.getBytes(StandardCharsets.US_ASCII));
    nft.getOutputStream().close();
    String output = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!nft.waitFor(20, TimeUnit.SECONDS) || nft.exitValue() != 0) {
      throw new IOException("nft in " + gw + " failed: " + output);
    }
  }
}
