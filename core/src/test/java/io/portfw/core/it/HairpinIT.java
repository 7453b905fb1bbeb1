package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.NamespacePeer;
import io.portfw.testing.NetworkNamespaces;
import io.portfw.testing.PortfwProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hairpin: a machine on the LAN that connects to the gateway's public address is forwarded like an
 * outside client. Kernel DNAT could not do this without extra SNAT (the backend answered the LAN client
 * directly from its own address); portfw opens its own connection, so the backend answers portfw.
 *
 * <p>Four namespaces, addresses from the documentation ranges: {@code outside} (203.0.113.50) on a veth to
 * {@code gw} (public 203.0.113.1, LAN 192.168.77.1 on a bridge), and on that bridge {@code lansrv} (the
 * backend, 192.168.77.10) and {@code lancli} (a LAN client, 192.168.77.30), both routed via 192.168.77.1.
 */
class HairpinIT {

  private static final String PUBLIC = "203.0.113.1";
  private static final String OUTSIDE_CLIENT = "203.0.113.50";
  private static final String GATEWAY_LAN = "192.168.77.1";
  private static final String BACKEND = "192.168.77.10";
  private static final String LAN_CLIENT = "192.168.77.30";
  private static final int PUBLIC_PORT = 80;
  private static final int BACKEND_PORT = 8080;

  @Test
  void lanClient_connectingToThePublicAddress_isForwardedLikeAnOutsideClient() throws Exception {
    try (NetworkNamespaces namespaces = new NetworkNamespaces(); NamespacePeer peer = new NamespacePeer()) {
      String outside = namespaces.add("outside");
      String gw = namespaces.add("gw");
      String lanServer = namespaces.add("lansrv");
      String lanClient = namespaces.add("lancli");
      wire(namespaces, outside, gw, lanServer, lanClient);

      Path config = Files.createTempFile("portfw-hairpin", ".json");
      Path out = Files.createTempFile("portfw-hairpin-out", ".txt");
      Path err = Files.createTempFile("portfw-hairpin-err", ".txt");
      Process backend = null;
      Process portfw = null;
      try {
        Files.writeString(config, """
            { "listeners": [ { "name": "web", "listen": "%s:%d", "pool": "web" } ],
              "pools": [ { "name": "web", "backends": [ { "address": "%s:%d" } ] } ] }
            """.formatted(PUBLIC, PUBLIC_PORT, BACKEND, BACKEND_PORT));
        backend = peer.serve(lanServer, BACKEND, BACKEND_PORT);
        portfw = NetworkNamespaces.exec(gw, List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-jar", PortfwProcess.builtJar().toString(), "run", "--config", config.toString()))
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();

        // The backend reports real peers: asked directly, it names the LAN client.
        assertThat(peer.ask(lanClient, LAN_CLIENT, BACKEND, BACKEND_PORT)).isEqualTo("peer " + LAN_CLIENT);

        assertThat(peer.ask(outside, OUTSIDE_CLIENT, PUBLIC, PUBLIC_PORT))
            .as("outside client through portfw; portfw stderr: %s", Files.readString(err))
            .isEqualTo("peer " + GATEWAY_LAN);
        assertThat(peer.ask(lanClient, LAN_CLIENT, PUBLIC, PUBLIC_PORT))
            .as("LAN client to the public address (hairpin); portfw stderr: %s", Files.readString(err))
            .isEqualTo("peer " + GATEWAY_LAN);
        assertThat(portfw.isAlive()).as("portfw still running").isTrue();
      } finally {
        stop(portfw);
        stop(backend);
        Files.deleteIfExists(config);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    }
  }

  private static void wire(NetworkNamespaces ns, String outside, String gw, String lanServer, String lanClient)
      throws Exception {
    ns.ip(gw, "link", "add", "pub", "type", "veth", "peer", "name", "eth0", "netns", outside);
    ns.ip(gw, "addr", "add", PUBLIC + "/24", "dev", "pub");
    ns.ip(gw, "link", "set", "pub", "up");
    ns.ip(outside, "addr", "add", OUTSIDE_CLIENT + "/24", "dev", "eth0");
    ns.ip(outside, "link", "set", "eth0", "up");

    ns.ip(gw, "link", "add", "br0", "type", "bridge");
    ns.ip(gw, "addr", "add", GATEWAY_LAN + "/24", "dev", "br0");
    ns.ip(gw, "link", "set", "br0", "up");
    plugIntoLan(ns, gw, "srv", lanServer, BACKEND);
    plugIntoLan(ns, gw, "cli", lanClient, LAN_CLIENT);
  }

  private static void plugIntoLan(NetworkNamespaces ns, String gw, String port, String host, String address)
      throws Exception {
    ns.ip(gw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", host);
    ns.ip(gw, "link", "set", port, "master", "br0");
    ns.ip(gw, "link", "set", port, "up");
    ns.ip(host, "addr", "add", address + "/24", "dev", "eth0");
    ns.ip(host, "link", "set", "eth0", "up");
    ns.ip(host, "route", "add", "default", "via", GATEWAY_LAN);
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
