package io.portfw.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.AclConfig;
import io.portfw.config.Cidr;
import io.portfw.config.LimitsConfig;
import io.portfw.core.observe.Refusal;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The door: access list, connection limits and the per-source rate, on a clock the test moves. */
class AdmissionTest {

  private static final InetAddress A = address("198.51.100.1");
  private static final InetAddress B = address("198.51.100.2");
  private static final InetAddress C = address("198.51.100.3");

  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  private final Admission door = new Admission(nanos::get);

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Cidr cidr(String text) {
    return Cidr.parse(text).cidr().orElseThrow();
  }

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private Refusal admit(InetAddress source, LimitsConfig limits) {
    return door.admit(source, AclConfig.OPEN, limits);
  }

  @Test
  void connectionRate_admitsNAtOnce_thenRefuses_andAdmitsAgainASecondLater() {
    LimitsConfig threePerSecond = new LimitsConfig(0, 0, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(admit(A, threePerSecond)).as("connection %d", i + 1).isNull();
    }
    assertThat(admit(A, threePerSecond)).isEqualTo(Refusal.RATE_LIMIT);

    advanceMillis(1_000);

    for (int i = 0; i < 3; i++) {
      assertThat(admit(A, threePerSecond)).as("connection %d after a second", i + 1).isNull();
    }
    assertThat(admit(A, threePerSecond)).isEqualTo(Refusal.RATE_LIMIT);
  }

  @Test
  void connectionRate_refillsSteadily_andSavesAtMostOneSecondsWorth() {
    LimitsConfig threePerSecond = new LimitsConfig(0, 0, 3);
    for (int i = 0; i < 3; i++) {
      admit(A, threePerSecond);
    }

    advanceMillis(300); // 0.9 of a token
    assertThat(admit(A, threePerSecond)).isEqualTo(Refusal.RATE_LIMIT);
    advanceMillis(34); // 1.002
    assertThat(admit(A, threePerSecond)).isNull();
    assertThat(admit(A, threePerSecond)).isEqualTo(Refusal.RATE_LIMIT);

    advanceMillis(60_000); // a minute quiet saves no more than a second's worth
    for (int i = 0; i < 3; i++) {
      assertThat(admit(A, threePerSecond)).isNull();
    }
    assertThat(admit(A, threePerSecond)).isEqualTo(Refusal.RATE_LIMIT);
  }

  @Test
  void connectionRate_isPerSource() {
    LimitsConfig onePerSecond = new LimitsConfig(0, 0, 1);
    assertThat(admit(A, onePerSecond)).isNull();
    assertThat(admit(A, onePerSecond)).isEqualTo(Refusal.RATE_LIMIT);

    assertThat(admit(B, onePerSecond)).isNull();
  }

  @Test
  void rateRefusal_holdsNoConnectionSlot() {
    LimitsConfig limits = new LimitsConfig(2, 0, 1);
    assertThat(admit(A, limits)).isNull();
    assertThat(admit(A, limits)).isEqualTo(Refusal.RATE_LIMIT);

    assertThat(admit(B, limits)).isNull();
    assertThat(admit(C, limits)).isEqualTo(Refusal.LIMIT);
  }

  @Test
  void maxConnections_refusesOverTheLimit_untilOneLeaves() {
    LimitsConfig two = new LimitsConfig(2, 0, 0);
    assertThat(admit(A, two)).isNull();
    assertThat(admit(B, two)).isNull();
    assertThat(admit(C, two)).isEqualTo(Refusal.LIMIT);
    assertThat(admit(C, two)).as("a refusal takes no slot").isEqualTo(Refusal.LIMIT);

    door.left(A);

    assertThat(admit(C, two)).isNull();
    assertThat(admit(A, two)).isEqualTo(Refusal.LIMIT);
  }

  @Test
  void maxConnectionsPerSource_refusesThatSourceOnly_untilOneOfItsLeaves() {
    LimitsConfig twoEach = new LimitsConfig(0, 2, 0);
    assertThat(admit(A, twoEach)).isNull();
    assertThat(admit(A, twoEach)).isNull();
    assertThat(admit(A, twoEach)).isEqualTo(Refusal.SOURCE_LIMIT);
    assertThat(admit(B, twoEach)).isNull();

    door.left(A);

    assertThat(admit(A, twoEach)).isNull();
    assertThat(admit(A, twoEach)).isEqualTo(Refusal.SOURCE_LIMIT);
  }

  @Test
  void sourceLimitRefusal_holdsNoSlotOfTheListener() {
    LimitsConfig limits = new LimitsConfig(2, 1, 0);
    assertThat(admit(A, limits)).isNull();
    assertThat(admit(A, limits)).isEqualTo(Refusal.SOURCE_LIMIT);

    assertThat(admit(B, limits)).isNull();
    assertThat(admit(C, limits)).isEqualTo(Refusal.LIMIT);
  }

  @Test
  void connectionsWithoutALimit_areStillCounted_soALimitTurnedOnLaterSeesThem() {
    admit(A, LimitsConfig.NONE);
    admit(A, LimitsConfig.NONE);

    assertThat(admit(B, new LimitsConfig(2, 0, 0))).isEqualTo(Refusal.LIMIT);
    assertThat(admit(A, new LimitsConfig(0, 2, 0))).isEqualTo(Refusal.SOURCE_LIMIT);
  }

  @Test
  void acl_deny_refusesThoseInIt() {
    AclConfig deny = new AclConfig(List.of(), List.of(cidr("198.51.100.0/31")));

    assertThat(door.admit(A, deny, LimitsConfig.NONE)).isEqualTo(Refusal.ACL);
    assertThat(door.admit(C, deny, LimitsConfig.NONE)).isNull();
  }

  @Test
  void acl_allow_refusesThoseOutsideIt_andDenyWins() {
    AclConfig acl = new AclConfig(List.of(cidr("198.51.100.0/24")), List.of(cidr("198.51.100.2/32")));

    assertThat(door.admit(A, acl, LimitsConfig.NONE)).isNull();
    assertThat(door.admit(B, acl, LimitsConfig.NONE)).isEqualTo(Refusal.ACL);
    assertThat(door.admit(address("203.0.113.1"), acl, LimitsConfig.NONE)).isEqualTo(Refusal.ACL);
  }

  @Test
  void aclRefusal_holdsNoSlot_andTakesNoToken() {
    AclConfig deny = new AclConfig(List.of(), List.of(cidr("198.51.100.1/32")));
    LimitsConfig limits = new LimitsConfig(1, 0, 1);
    assertThat(door.admit(A, deny, limits)).isEqualTo(Refusal.ACL);

    assertThat(door.admit(A, AclConfig.OPEN, limits)).as("the token and the slot are still there").isNull();
  }
  @Test
  void alone_countsNoArrivals_andSeesNothingElsewhere() {
    assertThat(admit(A, new LimitsConfig(0, 2, 5))).isNull();
    assertThat(door.takeArrivals()).isEmpty();
    assertThat(door.openElsewhere(A)).isZero();
  }

  @Test
  void perSourceLimit_countsTheOtherMembers_andFollowsTheirNews() {
    LimitsConfig sixPerSource = new LimitsConfig(0, 6, 0);
    door.openElsewhere(Map.of(A, 4));
    assertThat(admit(A, sixPerSource)).isNull();
    assertThat(admit(A, sixPerSource)).isNull();
    assertThat(admit(A, sixPerSource)).as("2 here and 4 elsewhere make 6").isEqualTo(Refusal.SOURCE_LIMIT);
    assertThat(admit(B, sixPerSource)).as("another source").isNull();
    assertThat(door.openHere()).isEqualTo(Map.of(A, 2, B, 1));

    door.openElsewhere(Map.of(A, 3)); // one closed on another member
    assertThat(admit(A, sixPerSource)).isNull();
    assertThat(admit(A, sixPerSource)).isEqualTo(Refusal.SOURCE_LIMIT);
  }

  @Test
  void connectionRate_inACluster_countsArrivals_andTakesThoseElsewhereFromTheBucket() {
    LimitsConfig fourPerSecond = new LimitsConfig(0, 0, 4);
    door.openElsewhere(Map.of()); // in a cluster, nothing heard yet
    assertThat(admit(A, fourPerSecond)).isNull();
    assertThat(door.takeArrivals()).isEqualTo(Map.of(A, 1));
    assertThat(door.takeArrivals()).as("told once").isEmpty();

    door.arrivedElsewhere(A, 2, 4); // 3 of the 4 this second are used now
    assertThat(admit(A, fourPerSecond)).isNull();
    assertThat(admit(A, fourPerSecond)).isEqualTo(Refusal.RATE_LIMIT);

    door.arrivedElsewhere(A, 10, 4); // a burst elsewhere: at most one second of debt
    advanceMillis(1_000);
    assertThat(admit(A, fourPerSecond)).as("a second later the debt is paid, nothing saved").isEqualTo(Refusal.RATE_LIMIT);
    advanceMillis(250);
    assertThat(admit(A, fourPerSecond)).isNull();
  }
}
