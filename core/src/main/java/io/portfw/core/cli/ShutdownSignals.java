package io.portfw.core.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop. The JVM's own handling would run shutdown
 * hooks and exit 143; portfw drains first and exits 0. A second signal exits at once.
 */
final class ShutdownSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {}

  /** {@code stop} is called once, on a signal thread, with the signal's name; it must not block. */
  static void install(Consumer<String> stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (stopping.compareAndSet(false, true)) {
          stop.accept("SIG" + signal.getName());
        } else {
          LOG.warn("SIG{} again: exiting without waiting for the drain", signal.getName());
          Runtime.getRuntime().halt(ExitCodes.FAILURE);
        }
      });
    }
  }
}
