package io.portfw.core.upstream;

import io.portfw.config.SourceAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The next local port of each source port range, for one event loop's connections: the ports are
 * taken in turn from a random start, so loops spread over the range and a port comes back only after
 * the whole range. A port still held toward the same backend is refused by the kernel, and the caller
 * moves on to the next. Not thread-safe: one per event loop.
 */
public final class LocalPorts {

  /** Ports tried for one connection before it counts as failed: a busy range is a full one. */
  public static final int TRIES = 16;

  private final Map<SourceAddress, int[]> next = new HashMap<>();

  public int next(SourceAddress source) {
    int[] offset = next.computeIfAbsent(source, s -> new int[] {ThreadLocalRandom.current().nextInt(s.portCount())});
    int port = source.firstPort() + offset[0];
    offset[0] = (offset[0] + 1) % source.portCount();
    return port;
  }

  /** Whether a failed connect is the kernel refusing the chosen local port (in use toward that backend). */
  public static boolean portBusy(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("Address already in use") || m.contains("Cannot assign requested address"))) {
        return true;
      }
    }
    return false;
  }
}
