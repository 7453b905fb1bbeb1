package io.portfw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds loopback ports that are free now, for configs that must name a port before binding. */
public final class Ports {

  private Ports() {}

  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first of {@code count} consecutive ports free on both hosts. */
  public static int freeRange(int count, String... hosts) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = free();
      if (first + count > 65535) {
        continue;
      }
      if (allFree(first, count, hosts)) {
        return first;
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports found");
  }

  private static boolean allFree(int first, int count, String... hosts) {
    for (String host : hosts) {
      for (int port = first; port < first + count; port++) {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }

  /** A port where nothing listens, so a connect to it is refused at once. */
  public static int refusing() {
    return free();
  }
}
