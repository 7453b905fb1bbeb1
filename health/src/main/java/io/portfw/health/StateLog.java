package io.portfw.health;

import io.portfw.balancing.Backend;
import io.portfw.balancing.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per change of a backend's health, with the pool, the backend, the old and new
 * state and the reason. A change that leaves the state as it was (checks failing on a drained
 * backend) is logged too, saying the state stays.
 */
final class StateLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.portfw.health");

  private StateLog() {}

  static void changed(String pool, Backend backend, StateChange change, String what, String reason) {
    if (change.changed() && change.to() == io.portfw.balancing.BackendState.UP) {
      LOG.info("pool {}: backend {} {} ({}: {})", pool, backend, change, what, reason);
    } else if (change.changed()) {
      LOG.warn("pool {}: backend {} {} ({}: {})", pool, backend, change, what, reason);
    } else {
      LOG.info("pool {}: backend {} {}: {}; state stays {}", pool, backend, what, reason, change.to());
    }
  }

  static void note(String format, Object... args) {
    LOG.warn(format, args);
  }
}
