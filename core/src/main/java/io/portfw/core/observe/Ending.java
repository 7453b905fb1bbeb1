package io.portfw.core.observe;

import java.util.Locale;

/** How a connection ended, as the access log and the API name it. */
public enum Ending {
  /** The client ended first: its FIN or close. */
  CLIENT_CLOSE,
  /** The backend ended first: its FIN or close. */
  BACKEND_CLOSE,
  /** No byte either way for the idle timeout. */
  IDLE_TIMEOUT,
  /** Half-closed, and the other side did not finish within the fin timeout. */
  FIN_TIMEOUT,
  /** The client reset the connection. */
  CLIENT_RESET,
  /** The backend reset the connection, or could not be written to. */
  BACKEND_RESET,
  /** No backend took it; see the refusal reason. */
  REFUSED,
  /** A UDP session got the replies its listener's {@code responses} allows. */
  RESPONSES_DONE,
  /** A UDP session pushed out of a full session table ({@code maxSessions}). */
  EVICTED,
  /** A UDP session's backend went down, was disabled or left the pool: the client's next datagram goes elsewhere. */
  BACKEND_DOWN,
  /** A UDP backend answered with ICMP port unreachable. */
  BACKEND_UNREACHABLE,
  /** Closed by the operator ({@code portfw kill}, {@code DELETE /api/v1/connections/{id}}). */
  KILLED,
  /** Closed by portfw itself: its listener stopped (drain timeout, removed by a reload) or a UDP socket closed. */
  STOPPED;

  /** The word in logs and the API: {@code client-close}, {@code idle-timeout}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
