package io.portfw.core.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every live connection of a running portfw, for the admin API; each ended one goes to the access log. */
public final class Connections {

  private final Map<Long, Connection> live = new ConcurrentHashMap<>();
  private final AccessLog accessLog;

  public Connections(AccessLog accessLog) {
    this.accessLog = accessLog;
  }

  public void opened(Connection connection) {
    live.put(connection.id(), connection);
  }

  public void ended(Connection connection, ListenerCounters counters) {
    live.remove(connection.id());
    counters.ended();
    accessLog.record(connection);
  }

  /** A snapshot of the live connections, oldest first. */
  public List<Connection> live() {
    List<Connection> all = new ArrayList<>(live.values());
    all.sort((a, b) -> Long.compare(a.id(), b.id()));
    return all;
  }

  /** The live connection with this id, or null. */
  public Connection find(long id) {
    return live.get(id);
  }

  public int count() {
    return live.size();
  }
}
