package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server-first protocol (SSH, SMTP, FTP: the backend speaks before the client) gets its banner
 * through without the kernel holding back the handshake's last ACK. Vert.x's epoll default
 * (TCP_QUICKACK off) held it up to the 200 ms delayed-ACK limit on every connection.
 */
class ServerFirstIT {

  @Test
  void banner_isNotHeldByADelayedHandshakeAck() throws Exception {
    try (TaggedBackend banner = new TaggedBackend("220 ready");
         RunningForwarder forwarder = RunningForwarder.startEach(new Route("smtp", Ports.free(), banner.address()))) {
      List<Duration> times = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        long started = System.nanoTime();
        try (Socket socket = forwarder.connect()) {
          InputStream in = socket.getInputStream();
          assertThat(in.read()).isEqualTo('2');
          times.add(Duration.ofNanos(System.nanoTime() - started));
        }
      }
      Collections.sort(times);
      // A held ACK costs 200 ms (Linux's TCP_DELACK_MAX) on every connection; without it a banner takes a few ms.
      assertThat(times.get(times.size() / 2)).as("median time to the banner").isLessThan(Duration.ofMillis(100));
    }
  }
}
