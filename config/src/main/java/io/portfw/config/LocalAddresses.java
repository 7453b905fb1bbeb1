package io.portfw.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Whether an address belongs to this machine: the kernel's answer, from binding a socket to it. */
final class LocalAddresses {

  private LocalAddresses() {}

  /**
   * True when a UDP socket binds to {@code ip} on an ephemeral port. The interface list would miss
   * addresses the kernel accepts (all of 127/8, {@code ip_nonlocal_bind}); the bind sends nothing.
   */
  static boolean isLocal(InetAddress ip) {
    try (DatagramSocket probe = new DatagramSocket(null)) {
      probe.bind(new InetSocketAddress(ip, 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
