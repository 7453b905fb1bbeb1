package io.portfw.config;

/**
 * The socket options of one listener, for the sockets on both sides of its connections. 0 for a
 * size or the backlog leaves the kernel's choice: its buffer autotuning, and {@code somaxconn}.
 *
 * @param noDelay TCP_NODELAY: small writes leave at once instead of waiting to be merged (tcp only)
 * @param backlog the accept queue of each listening socket; applies when the port is bound (tcp only)
 * @param receiveBuffer SO_RCVBUF in bytes; a fixed size turns the kernel's autotuning off for that socket
 * @param sendBuffer SO_SNDBUF in bytes, likewise
 * @param keepAlive SO_KEEPALIVE, so a peer that vanished without a word is found by the kernel (tcp only)
 */
public record SocketConfig(boolean noDelay, int backlog, int receiveBuffer, int sendBuffer, boolean keepAlive) {

  public static final SocketConfig DEFAULT = new SocketConfig(true, 0, 0, 0, false);
  /** Far above any kernel's limit (net.core.rmem_max and friends cap what a socket gets). */
  public static final int MAX_BUFFER = 1 << 30;
  public static final int MAX_BACKLOG = 1 << 20;

  public SocketConfig {
    if (backlog < 0 || backlog > MAX_BACKLOG) {
      throw new IllegalArgumentException("backlog " + backlog + " is out of range 0-" + MAX_BACKLOG);
    }
    if (receiveBuffer < 0 || receiveBuffer > MAX_BUFFER || sendBuffer < 0 || sendBuffer > MAX_BUFFER) {
      throw new IllegalArgumentException("buffer sizes must be within 0-" + MAX_BUFFER);
    }
  }
}
