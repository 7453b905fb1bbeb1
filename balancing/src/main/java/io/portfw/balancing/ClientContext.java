package io.portfw.balancing;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * What a strategy may know about the client it places: its address, the listener it came
 * in on and the local port it connected to.
 */
public record ClientContext(InetSocketAddress source, String listener, int localPort) {

  public ClientContext {
    requireNonNull(source, "source");
    requireNonNull(listener, "listener");
  }
}
