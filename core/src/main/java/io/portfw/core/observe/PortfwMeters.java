package io.portfw.core.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every meter portfw registers: its name, type, tag keys and description, in one place, so the
 * metrics table in docs/operations.md can be checked against it (after Reactor Netty's
 * {@code ConnectionProviderMeters}). Names are Micrometer's; Prometheus shows them with
 * underscores and {@code _total} on counters, {@code _seconds} on timers.
 */
public enum PortfwMeters {

  RELOADS("portfw.reloads", Meter.Type.COUNTER, "config loads and reloads, by outcome", "outcome"),
  CONNECTIONS_LIVE("portfw.connections.live", Meter.Type.GAUGE, "client connections open now, over every listener"),
  ACCESS_LOG_DROPPED("portfw.access.log.dropped", Meter.Type.COUNTER,
      "access log lines dropped because the writer could not keep up"),

  LISTENER_CONNECTIONS_ACTIVE("portfw.listener.connections.active", Meter.Type.GAUGE, "client connections open now",
      "listener"),
  LISTENER_CONNECTIONS("portfw.listener.connections", Meter.Type.COUNTER, "client connections accepted", "listener"),
  LISTENER_REFUSED("portfw.listener.refused", Meter.Type.COUNTER, "clients closed without a backend, by reason",
      "listener", "reason"),
  LISTENER_BYTES_RECEIVED("portfw.listener.bytes.received", Meter.Type.COUNTER, "bytes received from clients",
      "listener"),
  LISTENER_BYTES_SENT("portfw.listener.bytes.sent", Meter.Type.COUNTER, "bytes sent to clients", "listener"),
  LISTENER_DATAGRAMS_RECEIVED("portfw.listener.datagrams.received", Meter.Type.COUNTER,
      "datagrams received from clients", "listener"),
  LISTENER_DATAGRAMS_SENT("portfw.listener.datagrams.sent", Meter.Type.COUNTER,
      "reply datagrams from backends, sent to clients", "listener"),
  LISTENER_DATAGRAMS_DROPPED("portfw.listener.datagrams.dropped", Meter.Type.COUNTER,
      "datagrams not forwarded, by reason", "listener", "reason"),
  LISTENER_TLS_HANDSHAKES("portfw.listener.tls.handshakes", Meter.Type.COUNTER, "TLS handshakes completed",
      "listener"),
  LISTENER_TLS_RESUMED("portfw.listener.tls.resumed", Meter.Type.COUNTER,
      "TLS handshakes that resumed an earlier session", "listener"),
  LISTENER_TLS_HANDSHAKE_FAILURES("portfw.listener.tls.handshake.failures", Meter.Type.COUNTER,
      "TLS handshakes that did not complete, by reason", "listener", "reason"),
  LISTENER_TLS_CERTIFICATE_EXPIRY("portfw.listener.tls.certificate.expiry", Meter.Type.GAUGE,
      "when the certificate stops being valid, in seconds since the epoch", "listener", "certificate"),
  LISTENER_UDP_SESSIONS("portfw.listener.udp.sessions", Meter.Type.GAUGE, "UDP sessions in the session table",
      "listener"),

  POOL_QUEUE_LENGTH("portfw.pool.queue.length", Meter.Type.GAUGE, "clients waiting in the pool's line now", "pool"),
  POOL_QUEUE_WAITED("portfw.pool.queue.waited", Meter.Type.COUNTER,
      "clients that left the pool's line, served or timed out", "pool"),
  POOL_QUEUE_WAIT_SECONDS("portfw.pool.queue.wait.seconds", Meter.Type.COUNTER,
      "seconds waited in the pool's line, all clients together", "pool"),
  POOL_DISCOVERY_BACKENDS("portfw.pool.discovery.backends", Meter.Type.GAUGE,
      "backends the pool's DNS records (discover) gave at the last answer", "pool"),
  POOL_DISCOVERY_FAILING("portfw.pool.discovery.failing", Meter.Type.GAUGE,
      "1 while the pool's discover lookups get no answer (the last backends stay), else 0", "pool"),
  POOL_DISCOVERY_FAILURES("portfw.pool.discovery.failures", Meter.Type.COUNTER,
      "discover lookups that got no answer (timeout, SERVFAIL, refused)", "pool"),
  BACKEND_CONNECTIONS_ACTIVE("portfw.backend.connections.active", Meter.Type.GAUGE,
      "connections open to the backend now, including those connecting", "pool", "backend"),
  BACKEND_CONNECTIONS("portfw.backend.connections", Meter.Type.COUNTER,
      "connections opened to the backend (attempts included)", "pool", "backend"),
  BACKEND_BYTES_SENT("portfw.backend.bytes.sent", Meter.Type.COUNTER, "bytes sent to the backend", "pool", "backend"),
  BACKEND_BYTES_RECEIVED("portfw.backend.bytes.received", Meter.Type.COUNTER, "bytes received from the backend",
      "pool", "backend"),
  BACKEND_STATE("portfw.backend.state", Meter.Type.GAUGE, "1 for the backend's current state", "pool", "backend",
      "state"),
  BACKEND_WARM_CONNECTIONS("portfw.backend.warm.connections", Meter.Type.GAUGE,
      "warm connections (pool key preconnect) waiting for a client", "pool", "backend"),
  BACKEND_WARM_USED("portfw.backend.warm.used", Meter.Type.COUNTER,
      "clients given a warm connection instead of a connect", "pool", "backend"),
  BACKEND_UP("portfw.backend.up", Meter.Type.GAUGE, "1 when the backend takes new connections", "pool", "backend"),
  BACKEND_HEALTH_CHECKS("portfw.backend.health.checks", Meter.Type.COUNTER, "active health checks run", "pool",
      "backend"),
  BACKEND_HEALTH_CHECKS_FAILED("portfw.backend.health.checks.failed", Meter.Type.COUNTER,
      "active health checks failed", "pool", "backend"),
  BACKEND_CONNECT_TIME("portfw.backend.connect.time", Meter.Type.TIMER, "time to connect to the backend", "pool",
      "backend"),
  BACKEND_CONNECT_ERRORS("portfw.backend.connect.errors", Meter.Type.COUNTER, "failed backend connects, by reason",
      "pool", "backend", "reason"),

  CLUSTER_MEMBERS("portfw.cluster.members", Meter.Type.GAUGE, "cluster members in contact, this one included"),
  CLUSTER_ALONE("portfw.cluster.alone", Meter.Type.GAUGE,
      "1 while this member has lost contact with every other member (it forwards with what it knows)"),
  CLUSTER_CONFIG_MISMATCH("portfw.cluster.config.mismatch", Meter.Type.GAUGE,
      "cluster members whose config hash differs from this member's"),
  CLUSTER_MEMBER_LAST_CONTACT("portfw.cluster.member.last.contact", Meter.Type.GAUGE,
      "seconds since the member's last heartbeat arrived", "member"),
  CLUSTER_MEMBER_LAG("portfw.cluster.member.lag", Meter.Type.GAUGE,
      "seconds the member's last heartbeat took to arrive (the clocks' difference included)", "member");

  private final String name;
  private final Meter.Type type;
  private final String description;
  private final List<String> tagKeys;

  PortfwMeters(String name, Meter.Type type, String description, String... tagKeys) {
    this.name = name;
    this.type = type;
    this.description = description;
    this.tagKeys = List.of(tagKeys);
  }

  /** The Micrometer name, e.g. {@code portfw.listener.connections}. */
  public String meterName() {
    return name;
  }

  public Meter.Type type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** The tags every meter of this name carries, in order. */
  public List<String> tagKeys() {
    return tagKeys;
  }

  /** As Prometheus shows it, e.g. {@code portfw_listener_connections_total}. */
  public String prometheusName() {
    String base = name.replace('.', '_');
    return switch (type) {
      case COUNTER -> base + "_total";
      case TIMER -> base + "_seconds";
      default -> base;
    };
  }

  Counter.Builder counter() {
    return Counter.builder(name).description(description);
  }

  <T> FunctionCounter.Builder<T> functionCounter(T source, ToDoubleFunction<T> count) {
    return FunctionCounter.builder(name, source, count).description(description);
  }

  <T> Gauge.Builder<T> gauge(T source, ToDoubleFunction<T> value) {
    return Gauge.builder(name, source, value).description(description);
  }

  Timer.Builder timer() {
    return Timer.builder(name).description(description);
  }
}
