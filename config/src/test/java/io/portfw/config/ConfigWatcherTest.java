package io.portfw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way operators and tools replace a file gives exactly one call, once it has settled. */
class ConfigWatcherTest {

  private static final Duration SETTLE = Duration.ofMillis(200);

  @TempDir
  Path dir;

  private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

  @Test
  void renameStyleWrite_givesOneCall() throws Exception {
    Path file = Files.writeString(dir.resolve("portfw.json"), "v1");
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      Path tmp = Files.writeString(dir.resolve(".portfw.json.swp"), "v2");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

      assertThat(calls.poll(10, TimeUnit.SECONDS)).isEqualTo("v2");
      assertThat(calls.poll(1, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void burstOfWrites_givesOneCallWithTheLastContent() throws Exception {
    Path file = Files.writeString(dir.resolve("portfw.json"), "v0");
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      for (int i = 1; i <= 10; i++) {
        Files.writeString(file, "v" + i);
        Thread.sleep(20);
      }
      assertThat(calls.poll(10, TimeUnit.SECONDS)).isEqualTo("v10");
      assertThat(calls.poll(1, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void symlinkSwap_asKubernetesDoesIt_givesOneCall() throws Exception {
    Path v1 = Files.createDirectory(dir.resolve("..2026_11_25_v1"));
    Files.writeString(v1.resolve("portfw.json"), "v1");
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("portfw.json"), Path.of("..data/portfw.json"));
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      Path v2 = Files.createDirectory(dir.resolve("..2026_11_25_v2"));
      Files.writeString(v2.resolve("portfw.json"), "v2");
      Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
      Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

      assertThat(calls.poll(10, TimeUnit.SECONDS)).isEqualTo("v2");
      assertThat(calls.poll(1, TimeUnit.SECONDS)).isNull();
    }
  }

  /**
   * The kubelet's whole update of a mounted ConfigMap, twice: a new timestamped directory, a
   * {@code ..data_tmp} link renamed over {@code ..data}, then the old directory removed. Each
   * update is seen within 3 s, sooner than the 5 s poll: the directory events catch it.
   */
  @Test
  void configMapUpdates_asTheKubeletWritesThem_areSeenByTheirEvents() throws Exception {
    Path first = kubeletVersion("..2026_12_06_10_00_00.000000001", "v1");
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("portfw.json"), Path.of("..data/portfw.json"));
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      Path previous = first;
      for (String content : new String[] {"v2", "v3"}) {
        Path next = kubeletVersion("..2026_12_06_10_00_0" + content.charAt(1) + ".000000001", content);
        Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), next.getFileName());
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(previous.resolve("portfw.json"));
        Files.delete(previous);
        previous = next;

        assertThat(calls.poll(3, TimeUnit.SECONDS)).as("update to " + content).isEqualTo(content);
        assertThat(calls.poll(300, TimeUnit.MILLISECONDS)).isNull();
      }
    }
  }

  private Path kubeletVersion(String name, String content) throws Exception {
    Path version = Files.createDirectory(dir.resolve(name));
    Files.writeString(version.resolve("portfw.json"), content);
    return version;
  }

  @Test
  void otherFilesChurning_doNotHoldTheChangeBack() throws Exception {
    Path file = Files.writeString(dir.resolve("portfw.json"), "v1");
    Path log = dir.resolve("access.log");
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      Files.writeString(file, "v2");
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      String seen = null;
      for (int i = 0; seen == null && System.nanoTime() < until; i++) {
        Files.writeString(log, "line " + i + "\n"); // every 50 ms, forever shorter than the settle time
        seen = calls.poll(50, TimeUnit.MILLISECONDS);
      }
      assertThat(seen).as("applied while another file kept changing").isEqualTo("v2");
    }
  }

  @Test
  void failedApply_sameContentSavedAgain_isTriedAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("portfw.json"), "v1");
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      Files.writeString(file, "v2");
      assertThat(calls.poll(10, TimeUnit.SECONDS)).isEqualTo("v2");
      Files.writeString(file, "v2");
      assertThat(calls.poll(1, TimeUnit.SECONDS)).as("same content, nothing failed: no call").isNull();

      w.retryOnNextChange(); // the apply of v2 failed (say a port was taken)
      Files.writeString(file, "v2");
      assertThat(calls.poll(10, TimeUnit.SECONDS)).isEqualTo("v2");
    }
  }

  @Test
  void touchWithoutChange_givesNoCall() throws Exception {
    Path file = Files.writeString(dir.resolve("portfw.json"), "same");
    try (ConfigWatcher w = ConfigWatcher.watch(file, SETTLE, this::record)) {
      Files.writeString(file, "same");
      assertThat(calls.poll(1, TimeUnit.SECONDS)).isNull();
    }
  }

  private void record(Path file) {
    try {
      calls.add(Files.readString(file));
    } catch (java.io.IOException e) {
      calls.add("unreadable: " + e);
    }
  }
}
