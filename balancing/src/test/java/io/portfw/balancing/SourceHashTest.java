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
  void backendDown_onlyItsClientsMove_andComeBackWithIt() {
    List<Backend> b = weighted(1, 1, 1, 1);
    LoadBalancer hash = new SourceHash(b);
    Backend[] home = new Backend[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
      home[c] = hash.pick(client(c));
    }

    b.get(2).state(BackendState.DOWN);
    for (int c = 0; c < CLIENTS; c++) {
      Backend now = hash.pick(client(c));
      if (home[c] == b.get(2)) {
        assertThat(now).isNotSameAs(b.get(2));
      } else {
        assertThat(now).as("client %d", c).isSameAs(home[c]);
      }
    }

    b.get(2).state(BackendState.UP);
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
