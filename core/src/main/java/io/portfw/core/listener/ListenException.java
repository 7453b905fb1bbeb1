package io.portfw.core.listener;

import io.portfw.config.Hosts;
import io.portfw.config.ListenerConfig;
import java.util.Locale;

/** A listener could not bind its port: says which listener, which address and why, in one line. */
public final class ListenException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ListenException(ListenerConfig listener, String host, int port, Throwable cause) {
    super("listener \"" + listener.name() + "\" cannot listen on " + Hosts.hostPort(host, port) + ": " + reason(port, cause),
        cause);
  }

  private static String reason(int port, Throwable cause) {
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("address already in use")) {
      return "the address is already in use";
    }
    if (message.contains("permission denied")) {
      return port < 1024
          ? "permission denied (ports below 1024 need root or the CAP_NET_BIND_SERVICE capability)"
          : "permission denied";
    }
    if (message.contains("cannot assign requested address")) {
      return "no local interface has that address";
    }
    return cause.getMessage();
  }
}
