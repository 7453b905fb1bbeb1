package io.portfw.core.runtime;

import io.portfw.core.listener.LiveListener;
import io.portfw.core.tls.ServerTls;
import io.portfw.core.tls.TlsFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a TLS listener's certificates when their files change on disk (cert-manager and ACME
 * clients rewrite them in place, or swap a symlink), with no reload of the config and no
 * connection dropped: live connections keep the certificate they began with. Polls the files'
 * real path, size and time every interval, on a thread of its own (file system calls block),
 * and loads a change once it has held still for one interval, so a certificate written before
 * its key is not tried against the old key. Files that cannot serve are logged, once per
 * change, and the running certificates stay.
 */
final class CertificateWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

  private final Supplier<Collection<LiveListener>> listeners;
  private final Runnable changed;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "portfw-certificate-watch");
    t.setDaemon(true);
    return t;
  });
  /** Per listener: the files' state when its running certificates were loaded, and the last state seen. */
  private final Map<String, List<String>> loadedFrom = new HashMap<>();
  private final Map<String, List<String>> lastSeen = new HashMap<>();
  private final Map<String, List<String>> reported = new HashMap<>();

  /** {@code changed} is told after certificates were swapped (the expiry gauges follow). */
  CertificateWatcher(Supplier<Collection<LiveListener>> listeners, long intervalMillis, Runnable changed) {
    this.listeners = listeners;
    this.changed = changed;
    thread.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      for (LiveListener live : listeners.get()) {
        ServerTls running = live.tls();
        String name = live.config().name();
        if (running == null) {
          loadedFrom.remove(name);
          continue;
        }
        List<String> now = state(running.config().files());
        List<String> before = lastSeen.put(name, now);
        List<String> loaded = loadedFrom.putIfAbsent(name, now);
        if (loaded == null || now.equals(loaded) || !now.equals(before)) {
          continue; // first look, unchanged, or still changing: try once it has held still
        }
        reload(live, running, now);
      }
    } catch (RuntimeException e) {
      LOG.warn("certificate watch: {}", e.toString()); // the next poll tries again
    }
  }

  private void reload(LiveListener live, ServerTls running, List<String> now) {
    String name = live.config().name();
    try {
      ServerTls next = ServerTls.load(running.config());
      loadedFrom.put(name, now);
      reported.remove(name);
      if (!next.fingerprint().equals(running.fingerprint()) && live.tls() == running) {
        live.tls(next);
        LOG.info("listener {}: certificates reloaded from disk", name);
        changed.run();
      }
    } catch (TlsFileException e) {
      if (!now.equals(reported.put(name, now))) {
        LOG.warn("listener {}: certificate files changed but cannot be used, the running ones stay: {}", name,
            e.getMessage());
      }
    }
  }

  /** Each file's real path (a swapped symlink shows), size and modification time; "missing" for one that is not there. */
  private static List<String> state(List<Path> files) {
    List<String> out = new ArrayList<>(files.size());
    for (Path f : files) {
      try {
        Path real = f.toRealPath();
        out.add(real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real));
      } catch (IOException e) {
        out.add(f + " missing");
      }
    }
    return out;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
