package io.portfw.balancing;

import static io.portfw.balancing.TestBackends.client;
import static io.portfw.balancing.TestBackends.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceHashTest {

  private static final int CLIENTS = 20_000;

  @Test
  void pick_sameClient_sameBackendEveryTime() {
    LoadBalancer hash = new SourceHash(weighted(1, 1, 1, 1, 1));
    for (int c = 0; c < 100; c++) {
      Backend first = hash.pick(client(c));
      for (int again = 0; again < 5; again++) {
        assertThat(hash.pick(client(c))).isSameAs(first);
      }
    }
  }

  @Test
  void removingOneOfTen_remapsAboutATenthOfClients() {
    List<Backend> ten = weighted(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    List<Backend> nine = new ArrayList<>(ten.subList(0, 4));
    nine.addAll(ten.subList(5, 10));
    LoadBalancer before = new SourceHash(ten);
    LoadBalancer after = new SourceHash(nine);

    int moved = 0;
    int movedFromSurvivors = 0;
    for (int c = 0; c < CLIENTS; c++) {
      Backend was = before.pick(client(c));
      Backend now = after.pick(client(c));
      if (was != now) {
        moved++;
        if (was != ten.get(4)) {
          movedFromSurvivors++;
        }
      }
    }

    assertThat(moved / (double) CLIENTS).as("share of clients remapped").isBetween(0.08, 0.13);
    assertThat(movedFromSurvivors / (double) CLIENTS).as("clients of the survivors that moved").isLessThan(0.03);
  }

  @Test
  void addingOneBackend_remapsAboutItsShare_forEveryPoolSize() {
    for (int n = 2; n <= 30; n++) {
      List<Backend> before = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        before.add(TestBackends.backend(i, 1));
      }
      List<Backend> after = new ArrayList<>(before);
      after.add(TestBackends.backend(n, 1));
      LoadBalancer was = new SourceHash(before);
      LoadBalancer now = new SourceHash(after);
      int moved = 0;
      for (int c = 0; c < 5_000; c++) {
        if (was.pick(client(c)) != now.pick(client(c))) {
          moved++;
        }
      }
      double ideal = 1.0 / (n + 1);
      assertThat(moved / 5_000.0).as("%d -> %d backends", n, n + 1).isBetween(ideal * 0.6, ideal + 0.04);
    }
  }

  @Test
  void reorderingTheBackends_movesNobody() {
    List<Backend> b = weighted(1, 2, 1, 3, 1);
    List<Backend> reversed = new ArrayList<>(b);
    java.util.Collections.reverse(reversed);
    LoadBalancer one = new SourceHash(b);
    LoadBalancer other = new SourceHash(reversed);
    for (int c = 0; c < CLIENTS; c++) {
      assertThat(other.pick(client(c))).isSameAs(one.pick(client(c)));
    }
  }

  @Test
  void backendDown_onlyItsClientsMove_andComeBackWithIt() {
    List<Backend> b = weighted(1, 1, 1, 1);
    LoadBalancer hash = new SourceHash(b);
    Backend[] home = new Backend[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
      home[c] = hash.pick(client(c));
    }

    b.get(2).checks(false);
    for (int c = 0; c < CLIENTS; c++) {
      Backend now = hash.pick(client(c));
      if (home[c] == b.get(2)) {
        assertThat(now).isNotSameAs(b.get(2));
      } else {
        assertThat(now).as("client %d", c).isSameAs(home[c]);
      }
    }

    b.get(2).checks(true);
    for (int c = 0; c < CLIENTS; c++) {
      assertThat(hash.pick(client(c))).isSameAs(home[c]);
    }
  }

  @Test
  void rebuiltOverTheSameAddresses_givesTheSameMapping() {
    List<Backend> original = weighted(1, 2, 3);
    List<Backend> reloaded = weighted(1, 2, 3); // new objects, same addresses, as after a reload
    LoadBalancer before = new SourceHash(original);
    LoadBalancer after = new SourceHash(reloaded);
    for (int c = 0; c < CLIENTS; c++) {
      assertThat(after.pick(client(c)).address()).isEqualTo(before.pick(client(c)).address());
    }
  }
}
