package io.portfw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A backend and a client for tests inside {@link NetworkNamespaces}: one small Java program run with
 * this JVM's {@code java} in the namespace, so nothing beyond the JDK and iproute2 is needed. The
 * backend answers every connection (or datagram) with the peer address it sees ({@code peer 192.168.77.1});
 * the client connects (or sends) from a given local address and prints that answer.
 */
public final class NamespacePeer implements AutoCloseable {

  private static final String PROGRAM = """
      import java.io.BufferedReader;
      import java.io.InputStreamReader;
      import java.net.DatagramPacket;
      import java.net.DatagramSocket;
      import java.net.InetAddress;
      import java.net.InetSocketAddress;
      import java.net.ServerSocket;
      import java.net.Socket;
      import java.nio.charset.StandardCharsets;

      class Peer {
        public static void main(String[] args) throws Exception {
          if (args[0].equals("serve")) {
            try (ServerSocket server = new ServerSocket()) {
              server.bind(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])));
              while (true) {
                try (Socket s = server.accept()) {
                  s.getOutputStream().write(("peer " + s.getInetAddress().getHostAddress() + "\\n")
                      .getBytes(StandardCharsets.US_ASCII));
                }
              }
            }
          }
          if (args[0].equals("serve-udp")) {
            try (DatagramSocket server = new DatagramSocket(
                new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])))) {
              byte[] buffer = new byte[512];
              while (true) {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                server.receive(in);
                byte[] answer = ("peer " + in.getAddress().getHostAddress()).getBytes(StandardCharsets.US_ASCII);
                server.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
              }
            }
          }
          if (args[0].equals("ask-udp")) { // ask-udp FROM HOST PORT: one datagram a second for up to 20 s
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[1]), 0))) {
              s.connect(new InetSocketAddress(InetAddress.getByName(args[2]), Integer.parseInt(args[3])));
              s.setSoTimeout(1000);
              byte[] buffer = new byte[512];
              for (int i = 0; i < 20; i++) {
                s.send(new DatagramPacket(new byte[] {'?'}, 1));
                try {
                  DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                  s.receive(in);
                  System.out.println(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
                  return;
                } catch (java.io.IOException e) {
                  // no answer yet (portfw or the backend still starting, or a port unreachable): again
                }
              }
            }
            System.out.println("no answer within 20 s");
            System.exit(1);
          }
          // ask FROM HOST PORT: retries for up to 20 s while portfw or the backend is still starting
          long deadline = System.nanoTime() + 20_000_000_000L;
          String last = "no attempt";
          while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
              s.bind(new InetSocketAddress(InetAddress.getByName(args[1]), 0));
              s.connect(new InetSocketAddress(InetAddress.getByName(args[2]), Integer.parseInt(args[3])), 2000);
              s.setSoTimeout(5000);
              String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                  .readLine();
              if (line != null) {
                System.out.println(line);
                return;
              }
              last = "connected, then closed without an answer";
            } catch (java.io.IOException e) {
              last = e.toString();
            }
            Thread.sleep(200);
          }
          System.out.println("no answer within 20 s: " + last);
          System.exit(1);
        }
      }
      """;

  private final Path dir;
  private final Path source;

  public NamespacePeer() throws IOException {
    dir = Files.createTempDirectory("portfw-netns-peer");
    source = Files.writeString(dir.resolve("Peer.java"), PROGRAM);
  }

  /** Starts the backend in {@code namespace} on {@code address:port}; the caller destroys it. */
  public Process serve(String namespace, String address, int port) throws IOException {
    return NetworkNamespaces.exec(namespace, command("serve", address, Integer.toString(port)))
        .redirectErrorStream(true).redirectOutput(dir.resolve("serve-" + port + ".log").toFile()).start();
  }

  /** Starts a UDP backend in {@code namespace} on {@code address:port} that answers each datagram with its sender. */
  public Process serveUdp(String namespace, String address, int port) throws IOException {
    return NetworkNamespaces.exec(namespace, command("serve-udp", address, Integer.toString(port)))
        .redirectErrorStream(true).redirectOutput(dir.resolve("serve-udp-" + port + ".log").toFile()).start();
  }

  /** Connects from {@code from} in {@code namespace} to {@code host:port}; returns the answer line or the failure. */
  public String ask(String namespace, String from, String host, int port) throws IOException, InterruptedException {
    return run(namespace, "ask", from, host, port);
  }

  /** Sends a datagram from {@code from} in {@code namespace} to {@code host:port}; returns the answer or the failure. */
  public String askUdp(String namespace, String from, String host, int port) throws IOException, InterruptedException {
    return run(namespace, "ask-udp", from, host, port);
  }

  private String run(String namespace, String how, String from, String host, int port)
      throws IOException, InterruptedException {
    Process p = NetworkNamespaces.exec(namespace, command(how, from, host, Integer.toString(port)))
        .redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("the client in " + namespace + " did not finish within 60 s");
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } finally {
      p.destroyForcibly();
    }
  }

  private List<String> command(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", source.toString()));
    command.addAll(List.of(args));
    return command;
  }

  @Override
  public void close() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }
}
