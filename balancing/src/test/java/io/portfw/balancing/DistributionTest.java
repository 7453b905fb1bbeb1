package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.client;
import static io.portfw.balancing.TestBackends.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each strategy spreads connections by weight. Weights 1:2:3 (and a 0) over 6,000 connections
 * that stay open; the tolerance per share is stated with each strategy: exact for the
 * deterministic ones, about 4 standard deviations for the random ones.
 */
class DistributionTest {

  @ParameterizedTest(name = "{0} within {1}")
  @CsvSource({
      "round-robin, 0.0001",
      "least-connections, 0.001",
      "power-of-two, 0.02",
      "random, 0.03",
      "source-hash, 0.03"})
  void sharesFollowWeights(String strategy, double tolerance) {
    List<Backend> b = weighted(1, 2, 3, 0);
    SplittableRandom seeded = new SplittableRandom(7);
    LoadBalancer lb = LoadBalancers.byName(strategy, b, () -> seeded);
    Map<Backend, Integer> count = new IdentityHashMap<>();
    int n = 6_000;
    for (int i = 0; i < n; i++) {
      Backend picked = lb.pick(client(i));
      assertThat(picked.tryAcquire()).isTrue(); // connections stay open: the load-aware strategies see them
      count.merge(picked, 1, Integer::sum);
    }
    assertThat(count.getOrDefault(b.get(3), 0)).isZero();
    for (int i = 0; i < 3; i++) {
      double share = count.getOrDefault(b.get(i), 0) / (double) n;
      assertThat(share).as("share of weight %d", i + 1).isCloseTo((i + 1) / 6.0, within(tolerance));
    }
  }
}
