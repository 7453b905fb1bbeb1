package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import io.portfw.config.ProxyProtocol;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of a pool: its backends, the strategy built over them, how many other
 * backends a connection may try after a failed connect, its sticky table when it has one, and
 * who is told how connections went (passive health), and the PROXY protocol header each backend
 * gets first, when the pool sends one. A reload builds a new snapshot
 * ({@link Pools#update}) and swaps it in whole.
 */
public record Pool(String name, List<Backend> backends, LoadBalancer balancer, int retries,
    Optional<StickyTable> sticky, ConnectionOutcomes outcomes, Optional<ProxyProtocol> proxyProtocol) {

  public Pool {
    requireNonNull(name, "name");
    requireNonNull(balancer, "balancer");
    requireNonNull(sticky, "sticky");
    requireNonNull(outcomes, "outcomes");
    requireNonNull(proxyProtocol, "proxyProtocol");
    backends = List.copyOf(backends);
    if (retries < 0) {
      throw new IllegalArgumentException("retries " + retries + " < 0");
    }
  }

  /** The same snapshot, reporting connection outcomes to {@code next}. */
  public Pool withOutcomes(ConnectionOutcomes next) {
    return new Pool(name, backends, balancer, retries, sticky, next, proxyProtocol);
  }

  /** Why a pick found nothing: every usable backend is at its limit, or none is usable at all. */
  public boolean allUsableFull() {
    boolean anyUsable = false;
    for (Backend b : backends) {
      if (b.isUsable()) {
        anyUsable = true;
        if (!b.isFull()) {
          return false;
        }
      }
    }
    return anyUsable;
  }
}
