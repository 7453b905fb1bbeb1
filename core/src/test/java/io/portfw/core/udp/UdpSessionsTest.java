package io.portfw.core.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.Protocol;
import io.portfw.config.UdpConfig;
import io.portfw.core.observe.AccessLog;
import io.portfw.core.observe.ConnectObserver;
import io.portfw.core.observe.Connection;
import io.portfw.core.observe.Connections;
import io.portfw.core.observe.Ending;
import io.portfw.core.observe.ListenerCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A listening socket's session table: idle sessions swept in order of activity, the least active evicted. */
class UdpSessionsTest {

  private static final long MS = 1_000_000L;

  private final AtomicLong clock = new AtomicLong();
  private final EmbeddedChannel front = new EmbeddedChannel();
  private final ListenerCounters counters = new ListenerCounters();
  private final Pool pool = Pools.fromConfig(PoolConfig.of("p", PoolConfig.DEFAULT_BALANCE,
      List.of(BackendConfig.of(new BackendAddress("127.0.0.1", 9)))));
  private final Connections connections;
  /** The connection record of each session made here. */
  private final Map<UdpSession, Connection> records = new HashMap<>();

  UdpSessionsTest() throws IOException {
    connections = new Connections(AccessLog.open(Optional.empty()));
    front.freezeTime();
  }

  private UdpSessions sessions(int maxSessions) {
    return new UdpSessions(new UdpConfig(Duration.ofSeconds(1), maxSessions, 0), clock::get);
  }

  /** A session of {@code port}'s client, added to the table as the forwarder adds one. */
  private UdpSession session(UdpSessions.Table table, int port) {
    InetSocketAddress client = new InetSocketAddress("127.0.0.1", port);
    Backend backend = pool.backends().get(0);
    assertThat(backend.tryAcquire()).isTrue();
    Connection connection = new Connection("dns", Protocol.UDP, 53, "p", client, counters);
    connection.joined(backend);
    connections.opened(connection);
    counters.accepted();
    UdpSession session = new UdpSession(client, table, backend, pool, connection, counters, ConnectObserver.NONE,
        connections, 0, () -> { });
    table.add(client, session);
    records.put(session, connection);
    return session;
  }

  private void advance(long millis) {
    clock.addAndGet(millis * MS);
    front.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    front.runScheduledPendingTasks();
  }

  @Test
  void sweep_endsTheIdleOnes_andKeepsOneWithADatagramSinceThen() {
    UdpSessions sessions = sessions(100);
    UdpSessions.Table table = sessions.tableOf(front);
    UdpSession quiet = session(table, 1001);
    UdpSession busy = session(table, 1002);

    advance(600);
    busy.send(Unpooled.buffer(1).writeByte(1)); // held until its socket is ready; counts as activity
    table.touch(new InetSocketAddress("127.0.0.1", 1002));
    advance(600);

    assertThat(quiet.isClosed()).isTrue();
    assertThat(records.get(quiet).ending()).isEqualTo(Ending.IDLE_TIMEOUT);
    assertThat(busy.isClosed()).isFalse();
    assertThat(sessions.size()).isEqualTo(1);
    assertThat(table.touch(new InetSocketAddress("127.0.0.1", 1001))).isNull();
    assertThat(pool.backends().get(0).activeConnections()).as("the ended session's slot is free").isEqualTo(1);

    advance(1_000);
    assertThat(busy.isClosed()).isTrue();
    assertThat(sessions.size()).isZero();
    assertThat(connections.count()).isZero();
  }

  @Test
  void overMaxSessions_theLeastRecentlyActiveIsEvicted() {
    UdpSessions sessions = sessions(2);
    UdpSessions.Table table = sessions.tableOf(front);
    UdpSession first = session(table, 2001);
    UdpSession second = session(table, 2002);
    table.touch(new InetSocketAddress("127.0.0.1", 2001)); // first is now the more recently active

    UdpSession third = session(table, 2003);

    assertThat(second.isClosed()).as("the least recently active").isTrue();
    assertThat(records.get(second).ending()).isEqualTo(Ending.EVICTED);
    assertThat(first.isClosed()).isFalse();
    assertThat(third.isClosed()).isFalse();
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  void endAll_endsEverySessionOfTheSocket_asStopped() {
    UdpSessions sessions = sessions(100);
    UdpSessions.Table table = sessions.tableOf(front);
    UdpSession a = session(table, 3001);
    UdpSession b = session(table, 3002);

    table.endAll();

    assertThat(a.isClosed()).isTrue();
    assertThat(b.isClosed()).isTrue();
    assertThat(records.get(a).ending()).isEqualTo(Ending.STOPPED);
    assertThat(records.get(b).ending()).isEqualTo(Ending.STOPPED);
    assertThat(sessions.size()).isZero();
    assertThat(connections.count()).isZero();
    assertThat(counters.openCount()).isZero();
  }
}
