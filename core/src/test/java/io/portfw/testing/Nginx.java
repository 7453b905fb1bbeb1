package io.portfw.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's nginx, started by a test with a {@code stream} configuration of its own, in the
 * foreground, on loopback ports. Required in CI ({@code PORTFW_REQUIRE_TOOLS}); skipped elsewhere
 * when missing.
 */
public final class Nginx extends ExternalDaemon {

  private static final Path BINARY = Path.of("/usr/sbin/nginx");
  private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
  private final Path dir;

  private Nginx(Process process, Path dir) {
    super(process);
    this.dir = dir;
  }

  /** Runs nginx with {@code servers} inside its {@code stream} block; returns once every port in {@code ports} accepts. */
  public static Nginx stream(String servers, int... ports) throws IOException {
    requireInstalled(BINARY, "nginx libnginx-mod-stream");
    Path dir = Files.createTempDirectory("portfw-nginx");
    String module = Files.exists(STREAM_MODULE) ? "load_module " + STREAM_MODULE + ";\n" : "";
    Path conf = Files.writeString(dir.resolve("nginx.conf"), module + """
        daemon off;
        master_process off;
        pid %s/nginx.pid;
        error_log %s/error.log warn;
        events { worker_connections 1024; }
        stream {
        %s
        }
        """.formatted(dir, dir, servers));
    Process process = launch(List.of(BINARY.toString(), "-c", conf.toString(), "-p", dir.toString()),
        dir.resolve("out.log"));
    Nginx nginx = new Nginx(process, dir);
    for (int port : ports) {
      Eventually.holds(java.time.Duration.ofSeconds(10), () -> "nginx on " + port + ": " + nginx.log(),
          () -> process.isAlive() && Clients.accepts(port));
    }
    return nginx;
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("out.log")) + Files.readString(dir.resolve("error.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
