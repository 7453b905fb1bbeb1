package io.portfw.health;

import io.vertx.core.Future;

/**
 * One kind of active health check. {@link #check} connects to the backend, does its exchange
 * and completes with what it saw, or fails with a {@link ProbeFailure} saying why; it never
 * takes longer than its timeout and leaves no connection open.
 */
interface Probe {

  Future<String> check(String host, int port);

  /**
   * Checks the backend at {@code address} (an IP literal) that the config names {@code host}: a
   * probe that speaks a protocol naming the server (HTTP's {@code Host}) uses the name.
   */
  default Future<String> check(String address, String host, int port) {
    return check(address, port);
  }
}
