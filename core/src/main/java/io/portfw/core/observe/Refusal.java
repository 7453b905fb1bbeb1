package io.portfw.core.observe;
import java.util.Locale;

/** Why a client was closed without reaching a backend; counted per listener. */
public enum Refusal {
  /** No backend of the pool is up (and no backup). */
  NO_BACKEND,
  /** Every usable backend is at its {@code maxConnections} limit. */
  BACKENDS_FULL,
  /** Backends were tried and none could be connected within the retry limit. */
  CONNECT_FAILED,
  /** The listener's {@code acl} does not let the client's address in. */
  ACL,
  /** The listener has {@code limits.maxConnections} open already. */
  LIMIT,
  /** The client's address has {@code limits.maxConnectionsPerSource} open already. */
  SOURCE_LIMIT,
  /** The client's address opens connections faster than {@code limits.connectionRate} per second. */
  RATE_LIMIT,
  /** A listener that accepts PROXY headers got a connection from an address it does not trust to send them. */
  UNTRUSTED_PROXY,
  /** The PROXY header was missing, malformed or too slow. */
  PROXY_HEADER,
  /** A listener that routes by TLS server name got a client that does not speak TLS, and closes such clients. */
  NOT_TLS,
  /** The TLS ClientHello was malformed, or did not arrive whole within {@code sniTimeout}. */
  CLIENT_HELLO,
  /** A listener that terminates TLS could not complete the handshake (no common protocol, a refused client certificate, too slow). */
  TLS_HANDSHAKE,
  /** Every usable backend was full and the pool's waiting line ({@code queue.max}) was full too. */
  QUEUE_FULL,
  /** It waited in the pool's line for {@code queue.timeout} and no slot freed. */
  QUEUE_TIMEOUT;

  /** The word in logs, metrics and the API: {@code no-backend}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
