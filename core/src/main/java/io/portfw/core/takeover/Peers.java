package io.portfw.core.takeover;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who is at the other end of the control socket: only a process of this user may take over, or be taken over. */
final class Peers {

  private static final int OWN_UID = readOwnUid();

  private Peers() {}

  static int ownUid() {
    return OWN_UID;
  }

  /** Why the peer may not take part, or null when it is a process of this user. */
  static String refusal(Channel channel) {
    try {
      int uid = ((EpollDomainSocketChannel) channel).peerCredentials().uid();
      return uid == OWN_UID ? null : "peer uid " + uid + " is not this process's user (" + OWN_UID + ")";
    } catch (IOException e) {
      return "cannot read the peer's credentials: " + e.getMessage();
    }
  }

  /**
   * The effective uid, as SO_PEERCRED reports a peer's, from /proc/self/status (real, effective,
   * saved, fs): /proc/self itself belongs to root in a process that is not dumpable.
   */
  private static int readOwnUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring("Uid:".length()).trim().split("\\s+")[1]);
        }
      }
      throw new IOException("no Uid line in /proc/self/status");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's uid", e);
    }
  }
}
