package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a UDP listener keeps its client sessions.
 *
 * @param sessionIdle a session with no datagram either way for this long is closed
 * @param maxSessions the most sessions at once; beyond it the least recently active are evicted (and closed)
 * @param responses a session ends once it has had this many reply datagrams for each client datagram
 *     (1 suits DNS), as nginx's {@code proxy_responses}; 0 = no limit
 */
public record UdpConfig(Duration sessionIdle, int maxSessions, int responses) {

  public static final Duration DEFAULT_SESSION_IDLE = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_SESSIONS = 100_000;
  public static final int MAX_SESSIONS_LIMIT = 10_000_000;
  public static final UdpConfig DEFAULT = new UdpConfig(DEFAULT_SESSION_IDLE, DEFAULT_MAX_SESSIONS, 0);

  public UdpConfig {
    requireNonNull(sessionIdle, "sessionIdle");
    if (maxSessions < 1 || responses < 0) {
      throw new IllegalArgumentException("maxSessions >= 1, responses >= 0");
    }
  }
}
