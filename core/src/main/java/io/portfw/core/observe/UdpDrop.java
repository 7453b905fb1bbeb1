package io.portfw.core.observe;

import java.util.Locale;

/** Why a client datagram was not forwarded. */
public enum UdpDrop {
  /** An empty datagram: Netty sends none of zero length, so it cannot be forwarded. */
  EMPTY,
  /** The listener's acl or limits turned a new session away (see the listener's refusals for why). */
  REFUSED,
  /** No backend of the pool could take a new session (see the listener's refusals for why). */
  NO_BACKEND,
  /** Too many datagrams queued for a session whose backend socket was not ready yet. */
  QUEUE_FULL,
  /** The backend socket could not send it. */
  SEND_FAILED,
  /** A reply the client socket could not send back. */
  REPLY_FAILED,
  /** A new client's datagram while the listener stops: its live sessions finish, no new one starts. */
  STOPPING;

  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
