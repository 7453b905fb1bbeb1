package io.portfw.core.observe;

import io.portfw.balancing.Backend;
import io.portfw.config.AccessLogConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.SyslogTarget;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished connection: time, listener, client, backend, duration, bytes each way
 * and how it ended, to standard output or error, a file or syslog. The event loops only put the
 * ended connection in a bounded queue; a thread of its own formats and writes (or sends). When the queue is full (the disk cannot keep up) lines
 * are dropped and counted, never waited for.
 */
public final class AccessLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  static final int QUEUE = 65_536;

  /** Writes nothing. */
  static final AccessLog OFF = new AccessLog();

  private final BlockingQueue<Connection> queue;
  private final AccessLogConfig.Format format;
  private final AccessLogOutput out;
  private final Thread writer;
  private final LongAdder dropped;
  private volatile boolean closing;
  private volatile boolean reopenAsked;

  private AccessLog() {
    queue = null;
    format = null;
    out = null;
    writer = null;
    dropped = new LongAdder();
  }

  private AccessLog(AccessLogConfig config, AccessLogOutput out, LongAdder dropped) {
    this.queue = new ArrayBlockingQueue<>(QUEUE);
    this.format = config.format();
    this.out = out;
    this.dropped = dropped;
    this.writer = new Thread(this::drain, "portfw-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** The log a config asks for; fails when its file cannot be opened or its syslog socket reached. */
  public static AccessLog open(Optional<AccessLogConfig> config) throws IOException {
    if (config.isEmpty()) {
      return OFF;
    }
    String output = config.get().output();
    LongAdder dropped = new LongAdder();
    Optional<SyslogTarget> syslog = config.get().syslog();
    AccessLogOutput out;
    if (syslog.isPresent()) {
      out = new SyslogOutput(syslog.get(), Rfc5424.here(), dropped);
    } else {
      out = switch (output) {
        case "stdout" -> new StreamOutput(System.out);
        case "stderr" -> new StreamOutput(System.err);
        default -> new FileOutput(Path.of(output));
      };
    }
    return new AccessLog(config.get(), out, dropped);
  }

  void record(Connection ended) {
    if (queue != null && !queue.offer(ended)) {
      dropped.increment();
    }
  }

  long dropped() {
    return dropped.sum();
  }

  /**
   * Asks the writer to open its file anew (logrotate's SIGUSR1); it does so before its next line,
   * within a fraction of a second. False when it writes to no file.
   */
  public boolean reopen() {
    if (!(out instanceof FileOutput)) {
      return false;
    }
    reopenAsked = true;
    return true;
  }

  private void drain() {
    boolean failing = false;
    try {
      while (!closing || !queue.isEmpty()) {
        if (reopenAsked) {
          reopenAsked = false;
          reopenNow();
        }
        Connection next = queue.poll(200, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        try {
          write(next);
          while ((next = queue.poll()) != null) {
            write(next);
          }
          out.flush();
          if (failing) {
            LOG.info("access log: writing again");
            failing = false;
          }
        } catch (IOException e) {
          // A full disk, say: lines are dropped and counted until writing works again.
          dropped.increment();
          if (!failing) {
            LOG.error("access log: cannot write ({}); dropping lines until it can", e.getMessage());
            failing = true;
          }
        }
      }
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("access log: {}", e.getMessage());
    }
  }

  private void reopenNow() {
    try {
      out.flush();
      out.reopen();
      LOG.info("access log: reopened {}", out);
    } catch (IOException e) {
      LOG.error("access log: cannot reopen {} ({}); still writing to the file it had open", out, e.getMessage());
    }
  }

  private void write(Connection c) throws IOException {
    out.write(format == AccessLogConfig.Format.JSON ? json(c) : plain(c));
  }

  /** Whether it writes to standard output: the forwarding tables then go to standard error. */
  public static boolean usesStdout(PortfwConfig config) {
    return config.accessLog().map(a -> a.output().equals("stdout")).orElse(false);
  }

  /** {@code TIME LISTENER CLIENT -> BACKEND POOL DURATION_MS IN OUT ENDING}; "-" for what there is none of. */
  static String plain(Connection c) {
    Backend b = c.backend();
    String ending = c.ending().word() + (c.refusal() == null ? "" : ":" + c.refusal().word());
    return Instant.ofEpochMilli(c.startMillis()) + " " + c.listener() + " " + c.clientText() + " -> "
        + (b == null ? "-" : c.backendText()) + " " + c.pool() + " " + c.ageMillis() + "ms "
        + c.bytesFromClient() + " " + c.bytesFromBackend() + " " + ending;
  }

  static String json(Connection c) {
    JsonObject line = new JsonObject()
        .put("time", Instant.ofEpochMilli(c.startMillis()).toString())
        .put("protocol", c.protocol().name().toLowerCase(Locale.ROOT))
        .put("listener", c.listener())
        .put("localPort", c.localPort())
        .put("client", c.clientText())
        .put("pool", c.pool())
        .put("backend", c.backendText())
        .put("durationMs", c.ageMillis())
        .put("bytesFromClient", c.bytesFromClient())
        .put("bytesFromBackend", c.bytesFromBackend())
        .put("ending", c.ending().word());
    if (c.refusal() != null) {
      line.put("refusal", c.refusal().word());
    }
    if (c.queuedMillis() > 0) {
      line.put("queuedMs", c.queuedMillis());
    }
    TlsFacts tls = c.tls();
    if (tls != null) {
      line.put("tlsServerName", tls.serverName()).put("tlsProtocol", tls.protocol()).put("tlsCipher", tls.cipher())
          .put("tlsAlpn", tls.alpn()).put("tlsClientSubject", tls.clientSubject());
    }
    return line.encode();
  }


  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    closing = true;
    try {
      writer.join(5_000);
      out.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("access log: {}", e.getMessage());
    }
  }
}
