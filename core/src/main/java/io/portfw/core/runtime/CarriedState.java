package io.portfw.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portfw.balancing.AdminState;
import io.portfw.balancing.Backend;
import io.portfw.balancing.Pool;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.health.HealthChecks;
import io.portfw.health.OutlierDetector;
import io.vertx.core.Future;
import io.portfw.config.Protocol;
import io.portfw.core.listener.LiveListener;
import io.portfw.core.observe.Connection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a running portfw hands to the process that takes it over, besides its sockets, as JSON:
 * the backends the operator changed at runtime, the drains and disables, the passive ejections
 * with what is left of them, the sticky tables and the backend of each UDP session (its socket
 * stays with the old process, which relays the replies under way; the client's next datagram
 * opens a session here, to the same backend). Whatever of it no longer fits the new config
 * (a pool or backend it dropped) is left behind.
 */
final class CarriedState {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CarriedState() {}

  /** The runtime changes, read before the new config runs: they are laid over its file. */
  static ArrayNode changes(List<RuntimeChanges.Change> changes) {
    ArrayNode out = JSON.createArrayNode();
    for (RuntimeChanges.Change c : changes) {
      ObjectNode o = out.addObject().put("pool", c.pool()).put("kind", c.kind());
      c.runtime().ifPresent(b -> o.set("runtime", ConfigFileWriter.objectOf(b)));
      c.inFile().ifPresent(b -> o.set("inFile", ConfigFileWriter.objectOf(b)));
    }
    return out;
  }

  static List<RuntimeChanges.Change> changesFrom(JsonNode changes) throws ConfigException {
    List<RuntimeChanges.Change> out = new ArrayList<>();
    for (JsonNode c : changes) {
      Optional<BackendConfig> runtime = backend(c.get("runtime"));
      Optional<BackendConfig> inFile = backend(c.get("inFile"));
      BackendAddress address = runtime.or(() -> inFile).map(BackendConfig::address).orElse(null);
      if (address != null) {
        out.add(new RuntimeChanges.Change(c.path("pool").asText(), address, runtime, inFile, c.path("kind").asText()));
      }
    }
    return out;
  }

  private static Optional<BackendConfig> backend(JsonNode node) throws ConfigException {
    return node == null || node.isNull() ? Optional.empty()
        : Optional.of(ConfigLoader.parseBackend(node.toString(), "the state handed over"));
  }

  /** The state of the running pools and UDP sessions: taken after the new config runs, before it accepts. */
  static Future<ObjectNode> pools(Map<String, Pool> pools, HealthChecks health, List<Connection> live) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode sessions = out.putArray("udpSessions");
    for (Connection c : live) {
      Backend backend = c.backend();
      if (c.protocol() == Protocol.UDP && backend != null) {
        sessions.addObject().put("listener", c.listener()).put("client", c.client().getAddress().getHostAddress())
            .put("port", c.client().getPort()).put("backend", backend.address().toString());
      }
    }
    ArrayNode admin = out.putArray("admin");
    ArrayNode sticky = out.putArray("sticky");
    ArrayNode ejected = out.putArray("ejected");
    List<Future<?>> pending = new ArrayList<>();
    pools.forEach((name, pool) -> {
      for (Backend b : pool.backends()) {
        if (b.adminState() != AdminState.ENABLED) {
          admin.addObject().put("pool", name).put("backend", b.address().toString())
              .put("state", b.adminState().name().toLowerCase(Locale.ROOT));
        }
      }
      pool.sticky().ifPresent(table -> table.entries().forEach((client, backend) -> sticky.addObject()
          .put("pool", name).put("client", client.getHostAddress()).put("backend", backend.toString())));
      pending.add(health.ejections(name).onSuccess(list -> {
        synchronized (ejected) {
          list.forEach(e -> ejected.addObject().put("pool", name).put("backend", e.backend().toString())
              .put("remainingMillis", e.remainingMillis()).put("steps", e.steps()));
        }
      }));
    });
    return Future.all(pending).map(out);
  }

  /** Lays the state handed over onto the pools and listeners as they run here; returns how much was carried. */
  static String takeOn(JsonNode state, Map<String, Pool> pools, HealthChecks health,
      Map<String, LiveListener> listeners) {
    int sessions = 0;
    Map<String, Map<InetSocketAddress, BackendAddress>> byListener = new HashMap<>();
    for (JsonNode s : state.path("udpSessions")) {
      LiveListener live = listeners.get(s.path("listener").asText());
      InetAddress client = literal(s.path("client").asText());
      Backend b = live == null ? null : backend(pools, live.config().pool(), s.path("backend").asText());
      if (b != null && client != null) {
        byListener.computeIfAbsent(live.config().name(), l -> new HashMap<>())
            .put(new InetSocketAddress(client, s.path("port").asInt()), b.address());
        sessions++;
      }
    }
    byListener.forEach((name, carried) -> listeners.get(name).carrySessions(carried));
    int admin = 0;
    int sticky = 0;
    int ejected = 0;
    for (JsonNode a : state.path("admin")) {
      Backend b = backend(pools, a.path("pool").asText(), a.path("backend").asText());
      if (b != null) {
        b.admin(AdminState.valueOf(a.path("state").asText().toUpperCase(Locale.ROOT)));
        admin++;
      }
    }
    Map<String, Map<InetAddress, BackendAddress>> remembered = new HashMap<>();
    for (JsonNode s : state.path("sticky")) {
      Backend b = backend(pools, s.path("pool").asText(), s.path("backend").asText());
      InetAddress client = literal(s.path("client").asText());
      if (b != null && client != null) {
        remembered.computeIfAbsent(s.path("pool").asText(), p -> new HashMap<>()).put(client, b.address());
        sticky++;
      }
    }
    remembered.forEach((pool, entries) -> pools.get(pool).sticky().ifPresent(t -> t.carry(entries)));
    for (JsonNode e : state.path("ejected")) {
      Backend b = backend(pools, e.path("pool").asText(), e.path("backend").asText());
      if (b != null) {
        health.carryEjection(e.path("pool").asText(),
            new OutlierDetector.Ejection(b.address(), e.path("remainingMillis").asLong(1), e.path("steps").asInt(1)));
        ejected++;
      }
    }
    return admin + " drained or disabled backend(s), " + sticky + " sticky client(s), " + ejected + " ejection(s), "
        + sessions + " UDP session(s)";
  }

  private static Backend backend(Map<String, Pool> pools, String pool, String address) {
    Pool p = pools.get(pool);
    return p == null ? null
        : p.backends().stream().filter(b -> b.address().toString().equals(address)).findFirst().orElse(null);
  }

  private static InetAddress literal(String address) {
    try {
      return address.isEmpty() ? null : InetAddress.getByName(address); // written by getHostAddress: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
