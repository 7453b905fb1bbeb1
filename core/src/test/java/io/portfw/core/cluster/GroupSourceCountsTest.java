package io.portfw.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.ConfigLoader;
import io.portfw.core.listener.LiveListener;
import io.portfw.testing.Eventually;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-source exchange on a real (local) event bus, where the test speaks as other members:
 * their counts are summed into the door, replaced by their next report, forgotten when they have
 * nothing open or when they go quiet for the staleness bound; this member's own counts go out.
 */
class GroupSourceCountsTest {

  private static final String SOURCE = "192.0.2.7";
  private static final String SECRET = "the-group-secret-of-this-test";

  private Vertx vertx;
  private LiveListener web;
  private GroupSourceCounts counts;
  private GroupBus bus;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    web = new LiveListener(ConfigLoader.parse("""
        { "listeners": [ { "name": "web", "listen": "127.0.0.1:1", "pool": "p",
                           "limits": { "maxConnectionsPerSource": 5, "connectionRate": 100 } } ],
          "pools": [ { "name": "p", "backends": [ { "address": "127.0.0.1:2" } ] } ] }
        """, "test").listeners().get(0));
    Context context = ((VertxInternal) vertx).createEventLoopContext();
    bus = new GroupBus(vertx, new ClusterSecret(SECRET));
    counts = new GroupSourceCounts(vertx, bus, context, "me", 50, 400);
    counts.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    counts.apply(Map.of("web", web));
    Promise<Void> applied = Promise.promise();
    context.runOnContext(v -> applied.complete()); // after the door has joined, on the same context
    applied.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void report(String member, int open) {
    bus.publish(GroupSourceCounts.ADDRESS, reportOf(member, open));
  }

  private static JsonObject reportOf(String member, int open) {
    return new JsonObject().put("from", member).put("listeners", open == 0 ? new JsonObject()
        : new JsonObject().put("web", new JsonObject().put("open", new JsonObject().put(SOURCE, open))
            .put("arrived", new JsonObject())));
  }

  private int elsewhere() throws Exception {
    return web.admission().openElsewhere(InetAddress.getByName(SOURCE));
  }

  @Test
  void othersCounts_areSummed_replaced_andForgottenWhenTheyHaveNone() throws Exception {
    report("a", 2);
    report("b", 1);
    Eventually.holds(Duration.ofSeconds(2), "2 + 1 elsewhere", () -> quietly(this::elsewhere) == 3);
    report("a", 1);
    Eventually.holds(Duration.ofSeconds(2), "a's next report replaces its last", () -> quietly(this::elsewhere) == 2);
    report("b", 0);
    Eventually.holds(Duration.ofSeconds(2), "b has nothing open", () -> quietly(this::elsewhere) == 1);
  }

  @Test
  void reportsWithoutTheSecretsTag_areDropped() throws Exception {
    vertx.eventBus().publish(GroupSourceCounts.ADDRESS, reportOf("forger", 1_000)); // unsigned
    new GroupBus(vertx, new ClusterSecret("another-groups-secret")).publish(GroupSourceCounts.ADDRESS,
        reportOf("outsider", 1_000));
    report("b", 1); // after the two on the same bus: once it counts, they have been read
    Eventually.holds(Duration.ofSeconds(2), "b's 1 count", () -> quietly(this::elsewhere) >= 1);
    assertThat(elsewhere()).as("only the member with the secret counts").isEqualTo(1);
  }

  @Test
  void aMemberNotHeardFromForTheBound_noLongerCounts() throws Exception {
    report("a", 4);
    Eventually.holds(Duration.ofSeconds(2), "a's 4 count", () -> quietly(this::elsewhere) == 4);
    long heard = System.nanoTime();
    Eventually.holds(Duration.ofSeconds(3), "a's counts dropped", () -> quietly(this::elsewhere) == 0);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heard)).as("not before the bound").isGreaterThan(300);
  }

  @Test
  void ownCountsAndArrivals_areSent_andOwnReportsAreNotCounted() throws Exception {
    InetAddress source = InetAddress.getByName(SOURCE);
    var heard = new java.util.concurrent.CopyOnWriteArrayList<JsonObject>();
    bus.consumer(GroupSourceCounts.ADDRESS, heard::add);
    assertThat(web.admission().admit(source, io.portfw.config.AclConfig.OPEN, web.config().limits())).isNull();
    Eventually.holds(Duration.ofSeconds(2), "a report with 1 open and 1 arrived", () -> heard.stream().anyMatch(r ->
        r.getString("from").equals("me")
            && r.getJsonObject("listeners").getJsonObject("web", new JsonObject()).getJsonObject("open", new JsonObject())
                .getInteger(SOURCE, 0) == 1
            && r.getJsonObject("listeners").getJsonObject("web").getJsonObject("arrived").getInteger(SOURCE, 0) == 1));
    assertThat(elsewhere()).as("its own report is not someone else's").isZero();
  }

  private interface Check {
    int get() throws Exception;
  }

  private static int quietly(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
