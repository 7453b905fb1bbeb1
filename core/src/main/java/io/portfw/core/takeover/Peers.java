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

  private static int readOwnUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's uid", e);
    }
  }
}
