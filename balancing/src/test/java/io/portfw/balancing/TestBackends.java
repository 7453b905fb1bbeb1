package io.portfw.balancing;

import io.portfw.config.BackendAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builders for the balancing tests. */
final class TestBackends {

  static final ClientContext CLIENT = client(1);

  private TestBackends() {}

  static Backend backend(int n, int weight) {
    return backend(n, weight, false, 0);
  }

  static Backend backend(int n, int weight, boolean backup, int maxConnections) {
    return new Backend(address(n), new Backend.Settings(weight, backup, maxConnections, Duration.ZERO),
        com.github.benmanes.caffeine.cache.Ticker.systemTicker());
  }

  static BackendAddress address(int n) {
    return new BackendAddress("10.0." + (n / 250) + "." + (n % 250 + 1), 80);
  }

  static List<Backend> weighted(int... weights) {
    List<Backend> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(backend(i, weights[i]));
    }
    return out;
  }

  /** A client with the {@code n}-th address of 10.128.0.0/9 (never contacted; only hashed). */
  static ClientContext client(int n) {
    try {
      byte[] ip = {10, (byte) (128 | (n >>> 16 & 0x7f)), (byte) (n >>> 8), (byte) n};
      return new ClientContext(new InetSocketAddress(InetAddress.getByAddress(ip), 40000 + n % 20000), "test", 8080);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
