package io.portfw.core.cli;

import io.portfw.config.ConfigError;
import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.config.ConfigWatcher;
import io.portfw.config.PortfwConfig;
import io.portfw.core.observe.AccessLog;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.runtime.PortfwRuntime;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the config file and applies it to the running portfw, on each trigger: the file
 * changing (watched), SIGHUP, and the admin API's {@code POST /api/v1/reload}, which
 * calls {@link #reload()}. An invalid file is reported with every error and its path, and
 * changes nothing.
 */
final class ConfigReloader implements AutoCloseable {

  private Runnable before = () -> {};
  private Runnable after = () -> {};

  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
  /** How long a file must stay unchanged before it is read: editors write in several steps. */
  static final Duration SETTLE = Duration.ofMillis(300);

  private final Path file;
  private final PortfwRuntime runtime;
  private ConfigWatcher watcher;

  ConfigReloader(Path file, PortfwRuntime runtime) {
    this.file = file;
    this.runtime = runtime;
  }

  /** Reloads when the file's content changes. */
  ConfigReloader watch() throws IOException {
    watcher = ConfigWatcher.watch(file, SETTLE, changed -> reload());
    // An edit made while portfw was starting happened before the watch began: catch it now
    // (a reload of what already runs changes nothing).
    reload();
    return this;
  }

  /** Reloads on SIGHUP, as daemons do. */
  ConfigReloader onHangup() {
    Signals.onHangup(() -> {
      LOG.info("SIGHUP: reloading {}", file);
      reload();
    });
    return this;
  }

  /** {@code before} runs as each reload begins and {@code after} once it has an outcome (the service manager's states). */
  void onReloading(Runnable before, Runnable after) {
    this.before = before;
    this.after = after;
  }

  /** Reads the file and applies it; the result is also kept by the runtime. */
  Future<ReloadResult> reload() {
    before.run();
    return read().onComplete(done -> after.run());
  }

  private Future<ReloadResult> read() {
    PortfwConfig next;
    try {
      next = ConfigLoader.load(file);
    } catch (ConfigException e) {
      List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
      LOG.atWarn().addKeyValue("reload", "invalid").log("reload refused, the running config stays: {}", e.getMessage());
      ReloadResult refused = new ReloadResult(Instant.now(), ReloadResult.Outcome.INVALID, errors, "-",
          errors.size() + (errors.size() == 1 ? " error" : " errors"));
      runtime.recordFailedReload(refused);
      return Future.succeededFuture(refused);
    }
    return runtime.reload(next).onSuccess(result -> {
      if (result.outcome() == ReloadResult.Outcome.APPLIED) {
        Logging.apply(runtime.config().logging()); // in place, before the table, so it is in the new format
        PrintStream tables = AccessLog.usesStdout(runtime.config()) ? System.err : System.out;
        tables.print(ForwardingTable.render(runtime.config(), runtime::pool));
        tables.flush();
      } else if (result.outcome() == ReloadResult.Outcome.FAILED && watcher != null) {
        watcher.retryOnNextChange(); // saving the same file again (the port freed since) tries again
      }
    });
  }

  @Override
  public void close() throws IOException {
    if (watcher != null) {
      watcher.close();
    }
  }
}
