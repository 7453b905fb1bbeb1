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
  private final WatchService watcher;
  private final Thread thread;
  private byte[] lastDigest;

  private ConfigWatcher(Path file, Duration settle, Consumer<Path> onChange) throws IOException {
    this.file = file;
    this.settle = settle;
    this.onChange = onChange;
    this.lastDigest = digest();
    Path dir = file.toAbsolutePath().getParent();
    this.watcher = FileSystems.getDefault().newWatchService();
    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
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

  private void run() {
    long settleNanos = settle.toNanos();
    long lastEvent = 0;
    boolean pending = false;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long wait = pending ? Math.max(1, (lastEvent + settleNanos - System.nanoTime()) / 1_000_000) : POLL.toMillis();
        WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents(); // which entry changed does not matter: the content decides
          key.reset();
          pending = true;
          lastEvent = System.nanoTime();
          continue;
        }
        if (!pending || System.nanoTime() - lastEvent >= settleNanos) {
          pending = false;
          checkContent();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException stop) {
      // closed
    }
  }

  private void checkContent() {
    byte[] now = digest();
    if (now == null || Arrays.equals(now, lastDigest)) {
      return; // missing for a moment (between a delete and a rename), or unchanged
    }
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
