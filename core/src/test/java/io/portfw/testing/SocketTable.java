package io.portfw.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The kernel's own view of sockets, from iproute2's {@code ss}: what a process really bound and set. */
public final class SocketTable {

  private SocketTable() {}

  /** One line per listening TCP socket on {@code port}: {@code State Recv-Q Send-Q Local Peer}, Send-Q being the backlog. */
  public static List<String> listening(int port) {
    return lines("ss", "-Hltn", "sport = :" + port);
  }

  /**
   * Every established TCP socket matching the {@code ss} filter, with its timers ({@code -o}) and
   * memory ({@code -m}), one entry per socket.
   */
  public static List<String> established(String filter) {
    return entries(lines("ss", "-Htmon", "state", "established", filter));
  }

  /** Every UDP socket bound to {@code port}, with its memory ({@code -m}), one entry per socket. */
  public static List<String> udp(int port) {
    return entries(lines("ss", "-Huamn", "sport = :" + port));
  }

  /** The backlog of one listening socket as {@code ss} shows it (its Send-Q column). */
  public static int backlog(String listeningLine) {
    return Integer.parseInt(listeningLine.trim().split("\\s+")[2]);
  }

  /** One entry per socket: {@code ss} continues a socket's details on lines that start with white space. */
  private static List<String> entries(List<String> lines) {
    return Arrays.stream(String.join("\n", lines).split("\n(?=\\S)")).filter(l -> !l.isBlank()).toList();
  }

  private static List<String> lines(String... command) {
    try {
      Process ss = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + out);
      }
      return out.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new AssertionError("cannot run ss (iproute2): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
