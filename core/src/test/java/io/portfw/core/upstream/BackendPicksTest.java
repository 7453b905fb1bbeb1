package io.portfw.core.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.AdminState;
import io.portfw.balancing.Backend;
import io.portfw.balancing.ClientContext;
import io.portfw.balancing.ConnectionOutcomes;
import io.portfw.balancing.LoadBalancer;
import io.portfw.balancing.Pool;
import io.portfw.balancing.Pools;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.PoolConfig;
import io.portfw.core.observe.Refusal;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pick and acquire over real pools: a slot is taken, full backends are passed over, and why none was found. */
class BackendPicksTest {

  private static final ClientContext CLIENT =
      new ClientContext(new InetSocketAddress("203.0.113.5", 51234), "web", 443);

  private final Set<Backend> tried = new HashSet<>();

  /** A round-robin pool of backends on 192.0.2.1, .2, ... each allowing {@code maxConnections} (0 = no limit). */
  private static Pool pool(int... maxConnections) {
    List<BackendConfig> backends = new java.util.ArrayList<>();
    for (int i = 0; i < maxConnections.length; i++) {
      backends.add(new BackendConfig(new BackendAddress("192.0.2." + (i + 1), 8080), 1, false, maxConnections[i]));
    }
    return Pools.fromConfig(PoolConfig.of("app", "round-robin", backends));
  }

  private static Backend fill(Backend backend) {
    while (backend.tryAcquire()) {
      // take every slot
    }
    return backend;
  }

  @Test
  void acquire_takesASlotOfThePickedBackend_andAddsItToTried() {
    Pool pool = pool(0, 0);

    Backend picked = BackendPicks.acquire(pool, CLIENT, tried);

    assertThat(picked).isIn(pool.backends());
    assertThat(picked.activeConnections()).isEqualTo(1);
    assertThat(tried).containsExactly(picked);
  }

  @Test
  void acquire_again_goesToABackendNotTried() {
    Pool pool = pool(0, 0);
    Backend first = BackendPicks.acquire(pool, CLIENT, tried);

    Backend second = BackendPicks.acquire(pool, CLIENT, tried);

    assertThat(second).isNotNull().isNotSameAs(first);
    assertThat(tried).containsExactlyInAnyOrder(first, second);
    assertThat(BackendPicks.acquire(pool, CLIENT, tried)).as("all tried").isNull();
  }

  @Test
  void acquire_skipsAFullBackend_andReturnsAnother() {
    Pool pool = pool(1, 1);
    Backend full = fill(pool.backends().get(0));
    Backend free = pool.backends().get(1);

    for (int i = 0; i < 2; i++) { // whichever the round robin offers first
      tried.clear();
      Backend picked = BackendPicks.acquire(pool, CLIENT, tried);
      assertThat(picked).isSameAs(free);
      assertThat(tried).contains(free);
      free.release();
    }
    assertThat(full.activeConnections()).isEqualTo(1);
  }

  @Test
  void acquire_whenThePickedBackendFilledMeanwhile_picksAgain() {
    Pool real = pool(1, 1);
    Backend taken = fill(real.backends().get(0));
    Backend free = real.backends().get(1);
    // A strategy that picked before another event loop took the last slot: it offers the full one first.
    LoadBalancer stale = (client, alreadyTried) -> real.backends().stream()
        .filter(b -> !alreadyTried.contains(b)).findFirst().orElse(null);
    Pool pool = new Pool("app", real.backends(), stale, 2, Optional.empty(), ConnectionOutcomes.IGNORED,
        Optional.empty());

    Backend picked = BackendPicks.acquire(pool, CLIENT, tried);

    assertThat(picked).isSameAs(free);
    assertThat(tried).containsExactlyInAnyOrder(taken, free);
    assertThat(taken.activeConnections()).as("no slot over its limit").isEqualTo(1);
    assertThat(free.activeConnections()).isEqualTo(1);
  }

  @Test
  void acquire_everyBackendFull_findsNone_andSaysBackendsFull() {
    Pool pool = pool(1, 2);
    pool.backends().forEach(BackendPicksTest::fill);

    assertThat(BackendPicks.acquire(pool, CLIENT, tried)).isNull();
    assertThat(BackendPicks.noBackend(pool)).isEqualTo(Refusal.BACKENDS_FULL);
  }

  @Test
  void noBackend_fullOnesAndDownOnes_isBackendsFull() {
    Pool pool = pool(1, 0);
    fill(pool.backends().get(0));
    pool.backends().get(1).checks(false);

    assertThat(BackendPicks.acquire(pool, CLIENT, tried)).isNull();
    assertThat(BackendPicks.noBackend(pool)).as("every usable one is full").isEqualTo(Refusal.BACKENDS_FULL);
  }

  @Test
  void noBackend_noneUsable_isNoBackend() {
    Pool pool = pool(0, 0);
    pool.backends().get(0).checks(false);
    pool.backends().get(1).admin(AdminState.DISABLED);

    assertThat(BackendPicks.acquire(pool, CLIENT, tried)).isNull();
    assertThat(BackendPicks.noBackend(pool)).isEqualTo(Refusal.NO_BACKEND);
  }

  @Test
  void noBackend_whenAUsableBackendHasRoom_isNoBackend() {
    Pool pool = pool(1, 1);
    fill(pool.backends().get(0));
    tried.add(pool.backends().get(1)); // tried already, its connect failed

    assertThat(BackendPicks.acquire(pool, CLIENT, tried)).isNull();
    assertThat(BackendPicks.noBackend(pool)).as("not every usable one is full").isEqualTo(Refusal.NO_BACKEND);
  }

  @Test
  void noPool_findsNone_andSaysNoBackend() {
    assertThat(BackendPicks.acquire(null, CLIENT, tried)).isNull();
    assertThat(BackendPicks.noBackend(null)).isEqualTo(Refusal.NO_BACKEND);
  }
}
