package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.NotifyReceiver;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
/**
 * {@code portfw run} under a service manager: with {@code NOTIFY_SOCKET} it reports ready once
 * listening, reloading and ready around a SIGHUP reload, and stopping at SIGTERM, on a unix
 * datagram socket the test binds as systemd would; {@code --pid-file} holds its process id.
 */
class ServiceNotifyIT {

  @TempDir
  Path dir;

  @Test
  void notifiesReadyReloadingStopping_andWritesItsPidFile() throws Exception {
    try (NotifyReceiver notify = NotifyReceiver.bind(dir.resolve("notify.sock"))) {
      Path pidFile = dir.resolve("portfw.pid");
      Path config = config();
      try (PortfwProcess portfw = PortfwProcess.startWith(Map.of("NOTIFY_SOCKET", notify.path()), List.of(),
          "run", "--no-watch", "--config", config.toString(), "--pid-file", pidFile.toString())) {
        String ready = notify.next(Duration.ofSeconds(30));
        assertThat(ready).as("stderr: %s", portfw.stderr()).isNotNull()
            .contains("READY=1", "STATUS=1 listener, 0 active connections", "MAINPID=" + portfw.pid());
        assertThat(Files.readString(pidFile).strip()).isEqualTo(String.valueOf(portfw.pid()));

        new ProcessBuilder("kill", "-HUP", String.valueOf(portfw.pid())).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(notify.next(Duration.ofSeconds(10))).contains("RELOADING=1", "MONOTONIC_USEC=");
        assertThat(notify.next(Duration.ofSeconds(10))).contains("READY=1");

        portfw.terminate();
        assertThat(notify.next(Duration.ofSeconds(10))).contains("STOPPING=1");
        assertThat(portfw.exitCode()).isZero();
        assertThat(pidFile).as("removed at exit").doesNotExist();
      }
    }
  }

  /**
   * The unit's upgrade: {@code ExecReload} runs {@code run --take-over --background}, which returns
   * once the new process serves; the new process reports ready as the service's main process and
   * the old one drains without reporting a stop.
   */
  @Test
  void aTakeOverInTheBackground_reportsTheNewMainProcess_andNoStop() throws Exception {
    try (NotifyReceiver notify = NotifyReceiver.bind(dir.resolve("notify.sock"))) {
      Path pidFile = dir.resolve("portfw.pid");
      Path config = config();
      Map<String, String> env = Map.of("NOTIFY_SOCKET", notify.path());
      long newPid = 0;
      try (PortfwProcess old = PortfwProcess.startWith(env, List.of(), "run", "--no-watch", "--config",
          config.toString(), "--pid-file", pidFile.toString())) {
        assertThat(notify.next(Duration.ofSeconds(30))).as("stderr: %s", old.stderr()).contains("READY=1",
            "MAINPID=" + old.pid());
        try (PortfwProcess reload = PortfwProcess.startWith(env, List.of(), "run", "--no-watch", "--config",
            config.toString(), "--pid-file", pidFile.toString(), "--take-over", "--background")) {
          assertThat(reload.exitCode()).as("stderr: %s", reload.stderr()).isZero();
          newPid = Long.parseLong(Files.readString(pidFile).strip());
          assertThat(newPid).isNotIn(old.pid(), reload.pid());
          assertThat(reload.stderr()).contains("process " + newPid + " took over and serves");
          assertThat(notify.next(Duration.ofSeconds(10))).contains("READY=1", "MAINPID=" + newPid);
          assertThat(old.waitFor(Duration.ofSeconds(30))).isTrue();
          assertThat(old.exitCode()).isZero();
          String more = notify.next(Duration.ofSeconds(1));
          assertThat(more).as("the old process drains without telling the service manager it stops").isNull();
          assertThat(Files.readString(pidFile).strip()).as("kept by the old process").isEqualTo(String.valueOf(newPid));

          ProcessHandle.of(newPid).orElseThrow().destroy();
          assertThat(notify.next(Duration.ofSeconds(10))).contains("STOPPING=1");
        } finally {
          ProcessHandle.of(newPid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  private Path config() throws Exception {
    return Files.writeString(dir.resolve("portfw.json"), """
        { "admin": { "listen": "127.0.0.1:%d" },
          "listeners": [ { "name": "web", "listen": "127.0.0.1:%d", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "127.0.0.1:9" } ] } ] }
        """.formatted(Ports.free(), Ports.free()));
  }
}
