package io.portfw.core.observe;

import io.portfw.balancing.Backend;

/** Told how each backend connect attempt went; metrics listen. Called on the event loops. */
public interface ConnectObserver {

  ConnectObserver NONE = new ConnectObserver() {
    @Override
    public void connected(String pool, Backend backend, long nanos) {}

    @Override
    public void failed(String pool, Backend backend, ConnectError error) {}
  };

  void connected(String pool, Backend backend, long nanos);

  void failed(String pool, Backend backend, ConnectError error);
}
