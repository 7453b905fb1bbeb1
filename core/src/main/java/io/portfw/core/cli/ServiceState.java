package io.portfw.core.cli;

import io.portfw.core.runtime.PortfwRuntime;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.TimeUnit;

/**
 * The states {@code portfw run} reports to a service manager (systemd's {@code Type=notify}):
 * ready once every listener is bound, reloading and ready again around each reload, stopping at
 * a stop signal, with a status line. Nothing is sent when {@code NOTIFY_SOCKET} is not set.
 */
final class ServiceState implements AutoCloseable {

  private final String socket;
  private PortfwRuntime runtime;
  /** Closed from another thread when a take-over hands the service on. */
  private volatile SystemdNotify notify;

  ServiceState(String socket) {
    this.socket = socket;
  }

  /** Once the runtime runs: its event loop carries the messages. */
  void attach(PortfwRuntime running) {
    this.runtime = running;
    this.notify = SystemdNotify.open(socket, ((VertxInternal) running.vertx()).nettyEventLoopGroup().next());
  }

  void ready() {
    send("READY=1\nSTATUS=" + status() + "\nMAINPID=" + ProcessHandle.current().pid());
  }

  void reloading() {
    // systemd (253+) wants the monotonic time with RELOADING=1 to match the reload to this message.
    send("RELOADING=1\nMONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()) + "\nSTATUS=reloading");
  }

  void stopping() {
    send("STOPPING=1\nSTATUS=stopping: draining live connections");
  }

  private String status() {
    int listeners = runtime.config().listeners().size();
    return listeners + (listeners == 1 ? " listener, " : " listeners, ") + runtime.connections().count()
        + " active connections";
  }

  private void send(String message) {
    SystemdNotify open = notify;
    if (open != null) {
      open.send(message);
    }
  }

  @Override
  public synchronized void close() {
    SystemdNotify open = notify;
    notify = null;
    if (open != null) {
      open.close();
    }
  }
}
