package io.portfw.core.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The process signals portfw answers, the one place that speaks to {@code sun.misc.Signal}:
 * SIGTERM and SIGINT stop gracefully (the JVM's own handling would run shutdown hooks and exit
 * 143; portfw drains first and exits 0; a second signal exits at once), SIGHUP reloads, SIGUSR1
 * reopens the access log's file (logrotate).
 */
final class Signals {

  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** {@code stop} is called once, on a signal thread, with the signal's name; it must not block. */
  static void onStop(Consumer<String> stop) {
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

  /** {@code hangup} runs on a signal thread at every SIGHUP, which then no longer ends the process. */
  static void onHangup(Runnable hangup) {
    Signal.handle(new Signal("HUP"), signal -> hangup.run());
  }

  /** {@code reopen} runs on a signal thread at every SIGUSR1, which then no longer ends the process. */
  static void onUser1(Runnable reopen) {
    Signal.handle(new Signal("USR1"), signal -> reopen.run());
  }
}
