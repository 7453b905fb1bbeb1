package io.portfw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds loopback ports that are free now, for configs that must name a port before binding.
 * They come from below Linux's ephemeral range (32768-60999), so the many short-lived client
 * sockets of a load test cannot take one between the check and the bind.
 */
public final class Ports {

  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;

  private Ports() {}

  /**
   * Every port handed out in this JVM: a test picks its ports before anything binds them, so a
   * later pick (the fixture's admin port, say) must not return the same one again.
   */
  private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public static int free() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(LOWEST, HIGHEST);
      if (GIVEN.size() < (HIGHEST - LOWEST) / 2 && !GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port in " + LOWEST + "-" + HIGHEST));
  }

  /** The first of {@code count} consecutive ports free on both hosts. */
  public static int freeRange(int count, String... hosts) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = free();
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
