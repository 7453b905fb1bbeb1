package io.portfw.core.observe;

import io.portfw.balancing.Backend;
import io.portfw.config.AccessLogConfig;
import io.portfw.config.PortfwConfig;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * and how it ended. The event loops only put the ended connection in a bounded queue; a
 * thread of its own formats and writes. When the queue is full (the disk cannot keep up) lines
 * are dropped and counted, never waited for.
 */
public final class AccessLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  static final int QUEUE = 65_536;

  /** Writes nothing. */
  static final AccessLog OFF = new AccessLog();

  private final BlockingQueue<Connection> queue;
  private final AccessLogConfig.Format format;
  private final Writer out;
  private final boolean closeOut;
  private final Thread writer;
  private final LongAdder dropped = new LongAdder();
  private volatile boolean closing;

  private AccessLog() {
    queue = null;
    format = null;
    out = null;
    closeOut = false;
    writer = null;
  }

  private AccessLog(AccessLogConfig config, Writer out, boolean closeOut) {
    this.queue = new ArrayBlockingQueue<>(QUEUE);
    this.format = config.format();
    this.out = out;
    this.closeOut = closeOut;
    this.writer = new Thread(this::drain, "portfw-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** The log a config asks for; fails when its file cannot be opened. */
  public static AccessLog open(Optional<AccessLogConfig> config) throws IOException {
    if (config.isEmpty()) {
      return OFF;
    }
    String output = config.get().output();
    return switch (output) {
      case "stdout" -> new AccessLog(config.get(), new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
      case "stderr" -> new AccessLog(config.get(), new OutputStreamWriter(System.err, StandardCharsets.UTF_8), false);
      default -> new AccessLog(config.get(), Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), true);
    };
  }

  void record(Connection ended) {
    if (queue != null && !queue.offer(ended)) {
      dropped.increment();
    }
  }

  long dropped() {
    return dropped.sum();
  }

  private void drain() {
    BufferedWriter buffered = out instanceof BufferedWriter b ? b : new BufferedWriter(out, 64 * 1024);
    boolean failing = false;
    try {
      while (!closing || !queue.isEmpty()) {
        Connection next = queue.poll(200, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        try {
          write(buffered, next);
          while ((next = queue.poll()) != null) {
            write(buffered, next);
          }
          buffered.flush();
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
      buffered.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("access log: {}", e.getMessage());
    }
  }

  private void write(BufferedWriter w, Connection c) throws IOException {
    w.write(format == AccessLogConfig.Format.JSON ? json(c) : plain(c));
    w.newLine();
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
      if (closeOut) {
        out.close();
      } else {
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("access log: {}", e.getMessage());
    }
  }
}
