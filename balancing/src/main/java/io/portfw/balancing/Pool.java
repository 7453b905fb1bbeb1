package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An immutable snapshot of a pool: its backends, the strategy built over them and how many
 * other backends a connection may try after a failed connect.
 */
public record Pool(String name, List<Backend> backends, LoadBalancer balancer, int retries) {

  public Pool {
    requireNonNull(name, "name");
    requireNonNull(balancer, "balancer");
    backends = List.copyOf(backends);
    if (retries < 0) {
      throw new IllegalArgumentException("retries " + retries + " < 0");
    }
  }
}
