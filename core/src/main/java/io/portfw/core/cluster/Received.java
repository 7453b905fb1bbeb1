package io.portfw.core.cluster;

import io.netty.util.NetUtil;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/** Reading what a member sent: addresses travel as text and are matched against the pools as they run here. */
final class Received {

  private Received() {}

  /** A client address written by {@link InetAddress#getHostAddress}: a literal, never looked up; null when not one. */
  static InetAddress client(String text) {
    byte[] bytes = text == null ? null : NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null) {
      return null; // a name would mean a lookup on the event loop: only literals are read
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The backend of that address in the pool here, or null when the pool or the backend is not here. */
  static Backend backend(Pool pool, String address) {
    return pool == null || address == null ? null : byAddress(pool).get(address);
  }

  /** A pool's backends by their address as text, for matching many entries at once. */
  static Map<String, Backend> byAddress(Pool pool) {
    Map<String, Backend> out = new HashMap<>();
    for (Backend b : pool.backends()) {
      out.put(b.address().toString(), b);
    }
    return out;
  }
}
