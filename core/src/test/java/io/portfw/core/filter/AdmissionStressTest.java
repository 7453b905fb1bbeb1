package io.portfw.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.AclConfig;
import io.portfw.config.LimitsConfig;
import io.portfw.core.observe.Refusal;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Review: the lock-free per-source counter under contention: no lost entry, no negative count, no hang. */
class AdmissionStressTest {

  @Test
  void manyThreads_enterAndLeaveOneSource_countsReturnToZero() throws Exception {
    Admission door = new Admission();
    InetAddress source = InetAddress.getByName("10.1.2.3");
    LimitsConfig limits = new LimitsConfig(0, 3, 0);
    AtomicLong refused = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    long deadline = System.nanoTime() + 3_000_000_000L;
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          if (door.admit(source, AclConfig.OPEN, limits) == null) {
            door.left(source);
          } else {
            refused.incrementAndGet();
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(10_000);
      assertThat(thread.isAlive()).as("a thread spins for ever").isFalse();
    }
    // Exactly three may be in at once again: nothing leaked, nothing went negative.
    assertThat(door.admit(source, AclConfig.OPEN, limits)).isNull();
    assertThat(door.admit(source, AclConfig.OPEN, limits)).isNull();
    assertThat(door.admit(source, AclConfig.OPEN, limits)).isNull();
    assertThat(door.admit(source, AclConfig.OPEN, limits)).isEqualTo(Refusal.SOURCE_LIMIT);
  }
}
