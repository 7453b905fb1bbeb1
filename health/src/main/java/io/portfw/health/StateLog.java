package io.portfw.health;

import io.portfw.balancing.Backend;
import io.portfw.balancing.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per change of a backend's health, with the pool, the backend, the old and new
 * state and the reason. A change that leaves the state as it was (checks failing on a drained
 * backend) is logged too, saying the state stays. The pool, backend and state are also key-value
 * pairs, which JSON log lines carry as fields.
 */
final class StateLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.portfw.health");

  private StateLog() {}

  static void changed(String pool, Backend backend, StateChange change, String what, String reason) {
    if (change.changed() && change.to() == io.portfw.balancing.BackendState.UP) {
      fields(LOG.atInfo(), pool, backend, change).log("pool {}: backend {} {} ({}: {})", pool, backend, change, what, reason);
    } else if (change.changed()) {
      fields(LOG.atWarn(), pool, backend, change).log("pool {}: backend {} {} ({}: {})", pool, backend, change, what, reason);
    } else {
      fields(LOG.atInfo(), pool, backend, change)
          .log("pool {}: backend {} {}: {}; state stays {}", pool, backend, what, reason, change.to());
    }
  }

  private static LoggingEventBuilder fields(LoggingEventBuilder event, String pool, Backend backend, StateChange change) {
    return event.addKeyValue("pool", pool).addKeyValue("backend", String.valueOf(backend))
        .addKeyValue("state", String.valueOf(change.to()));
  }

  static void note(String format, Object... args) {
    LOG.warn(format, args);
  }
}
