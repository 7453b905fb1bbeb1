package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches a config file and calls back once its content has changed and then stayed the same
 * for a settle time. Watches the file's directory, not the file, so editors that write a
 * temporary file and rename it, and symlink swaps (Kubernetes ConfigMaps), are seen; a burst of
 * writes gives one call; a touch that leaves the content as it was gives none. A slow poll backs
 * the directory events up.
 *
 * <p>Runs on its own daemon thread; the callback runs there too and should hand work off.
 */
public final class ConfigWatcher implements AutoCloseable {

  private static final Duration POLL = Duration.ofSeconds(5);

  private final Path file;
  private final Duration settle;
  private final Consumer<Path> onChange;
  private final Path dir;
  private final WatchService watcher;
  private final Thread thread;
  private volatile byte[] lastDigest;
  /** Set by {@link #retryOnNextChange()}: the next directory event re-reads the file even if its content was seen. */
  private volatile boolean retry;
  private boolean registered;

  private ConfigWatcher(Path file, Duration settle, Consumer<Path> onChange) throws IOException {
    this.file = file;
    this.settle = settle;
    this.onChange = onChange;
    this.lastDigest = digest();
    this.dir = file.toAbsolutePath().getParent();
    this.watcher = FileSystems.getDefault().newWatchService();
    register();
    if (!registered) {
      throw new IOException("cannot watch " + dir);
    }
    this.thread = new Thread(this::run, "portfw-config-watcher");
    this.thread.setDaemon(true);
  }

  /** Starts watching; the content at this moment counts as already seen. */
  public static ConfigWatcher watch(Path file, Duration settle, Consumer<Path> onChange) throws IOException {
    requireNonNull(file, "file");
    requireNonNull(settle, "settle");
    requireNonNull(onChange, "onChange");
    ConfigWatcher w = new ConfigWatcher(file, settle, onChange);
    w.thread.start();
    return w;
  }

  /** The next change event reads the file again even if its content is one already seen (after a failed apply). */
  public void retryOnNextChange() {
    retry = true;
  }

  private void register() {
    try {
      dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      registered = true;
    } catch (IOException e) {
      registered = false; // the directory is gone for now: the slow poll goes on, and registering is retried
    }
  }

  private void run() {
    long settleNanos = settle.toNanos();
    long lastEvent = 0;
    boolean pending = false;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        if (!registered) {
          register();
        }
        long wait = pending ? Math.max(1, (lastEvent + settleNanos - System.nanoTime()) / 1_000_000) : POLL.toMillis();
        WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
        if (key != null) {
          boolean relevant = key.pollEvents().stream().anyMatch(e -> concernsTheFile(e.context()));
          registered = key.reset();
          if (relevant) {
            pending = true;
            lastEvent = System.nanoTime();
          }
          continue;
        }
        if (pending && System.nanoTime() - lastEvent >= settleNanos) {
          pending = false;
          checkContent(retry);
        } else if (!pending) {
          checkContent(false);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException stop) {
      // closed
    }
  }

  /** The file itself, or the {@code ..data}-style entries a symlink swap renames; other files' churn is ignored. */
  private boolean concernsTheFile(Object name) {
    String entry = String.valueOf(name);
    return entry.equals(String.valueOf(file.getFileName())) || entry.startsWith("..");
  }

  private void checkContent(boolean evenIfSeen) {
    byte[] now = digest();
    if (now == null || (!evenIfSeen && Arrays.equals(now, lastDigest))) {
      return; // missing for a moment (between a delete and a rename), or unchanged
    }
    retry = false;
    lastDigest = now;
    try {
      onChange.accept(file);
    } catch (RuntimeException e) {
      // Reported like any uncaught error, and the watch goes on.
      thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
    }
  }

  private byte[] digest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    thread.interrupt();
    watcher.close();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
