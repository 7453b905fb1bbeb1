package io.portfw.core.relay;

import static io.portfw.core.relay.RelayHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.config.TimeoutsConfig;
import io.portfw.core.observe.Ending;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No byte either way for the idle timeout closes both; after a FIN the shorter fin timeout does. Time is the channel's, moved by hand. */
class RelayTimeoutTest {

  private static final TimeoutsConfig TIMEOUTS = new TimeoutsConfig(
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(2));

  private final RelayHarness h = new RelayHarness(TIMEOUTS);

  @BeforeEach
  void freezeTime() {
    h.client.freezeTime();
    h.backendChannel.freezeTime();
    h.attach();
  }

  private void advance(long millis) {
    h.client.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    h.backendChannel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    h.client.runScheduledPendingTasks();
    h.backendChannel.runScheduledPendingTasks();
    h.runPendingTasks();
  }

  @Test
  void quietForTheIdleTimeout_closesBoth() {
    advance(9_999);
    assertThat(h.relay.isOpen()).isTrue();

    advance(1);

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.connection.ending()).isEqualTo(Ending.IDLE_TIMEOUT);
  }

  @Test
  void trafficEitherWay_keepsItAlive() {
    advance(9_000);
    h.client.writeInbound(bytes("ping"));
    advance(9_000);
    h.backendChannel.writeInbound(bytes("pong"));
    advance(9_000);

    assertThat(h.relay.isOpen()).isTrue();
    assertThat(h.client.isOpen()).isTrue();
    assertThat(h.connection.ending()).isNull();
  }

  @Test
  void afterAFin_theFinTimeoutApplies() {
    h.client.receiveFin();

    advance(2_000);

    assertThat(h.client.isOpen()).isFalse();
    assertThat(h.backendChannel.isOpen()).isFalse();
    assertThat(h.connection.ending()).as("replaces the client's close").isEqualTo(Ending.FIN_TIMEOUT);
  }
}
