package io.portfw.core.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.portfw.balancing.Backend;
import io.portfw.config.BackendAddress;
import io.portfw.config.Protocol;
import io.portfw.config.TimeoutsConfig;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.ListenerCounters;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A relay over two {@link DuplexEmbeddedChannel}s, a client and a backend, with the connection,
 * counters and backend it reports to. Nothing touches a socket: every event runs on the test's thread.
 */
final class RelayHarness {

  static final InetSocketAddress CLIENT_ADDRESS = new InetSocketAddress("203.0.113.5", 51234);

  final DuplexEmbeddedChannel client = new DuplexEmbeddedChannel();
  final DuplexEmbeddedChannel backendChannel = new DuplexEmbeddedChannel();
  final ListenerCounters counters = new ListenerCounters();
  final Backend backend = new Backend(new BackendAddress("192.0.2.10", 8080), 1, false);
  final Connection connection = new Connection("web", Protocol.TCP, 80, "pool", CLIENT_ADDRESS, counters);
  final Relay relay;
  private int ends;

  RelayHarness() {
    this(TimeoutsConfig.DEFAULT);
  }

  RelayHarness(TimeoutsConfig timeouts) {
    relay = new Relay(client, timeouts, connection, () -> ends++);
  }

  /** Joins the backend, as the connector does once it is connected. */
  RelayHarness attach(ByteBuf... alreadySent) {
    connection.joined(backend);
    relay.attach(backendChannel, new ArrayList<>(List.of(alreadySent)));
    return this;
  }

  /** Runs what the relay left for the event loops: its closes are scheduled, not done at once. */
  void runPendingTasks() {
    client.runPendingTasks();
    backendChannel.runPendingTasks();
  }

  /** How many times the relay said the connection was over. */
  int ends() {
    return ends;
  }

  static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }
}
