package io.portfw.core.cluster;

import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Reading what a member sent: addresses travel as text and are matched against the pools as they run here. */
final class Received {

  private Received() {}

  /** A client address written by {@link InetAddress#getHostAddress}: a literal, never looked up; null when not one. */
  static InetAddress client(String text) {
    if (text == null || text.isEmpty() || !(Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The backend of that address in the pool here, or null when the pool or the backend is not here. */
  static Backend backend(Pool pool, String address) {
    if (pool == null || address == null) {
      return null;
    }
    for (Backend b : pool.backends()) {
      if (b.address().toString().equals(address)) {
        return b;
      }
    }
    return null;
  }
}
