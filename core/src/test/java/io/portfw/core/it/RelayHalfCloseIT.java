package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.BannerBackend;
import io.portfw.testing.Payloads;
import io.portfw.testing.Ports;
import io.portfw.testing.ReplyAfterEofBackend;
import io.portfw.testing.RunningForwarder.Route;
import io.portfw.testing.RunningForwarder;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A FIN from one side reaches the other, and the opposite direction keeps flowing. */
class RelayHalfCloseIT {

  private static ReplyAfterEofBackend replier;
  private static BannerBackend banner;
  private static RunningForwarder forwarder;
  private static int replierPort;
  private static int bannerPort;

  @BeforeAll
  static void start() throws Exception {
    replier = new ReplyAfterEofBackend();
    banner = new BannerBackend();
    replierPort = Ports.free();
    bannerPort = Ports.free();
    forwarder = RunningForwarder.startEach(new Route("request-reply", replierPort, replier.address()),
        new Route("server-first", bannerPort, banner.address()));
  }

  @AfterAll
  static void stop() throws Exception {
    forwarder.close();
    replier.close();
    banner.close();
  }

  @ParameterizedTest(name = "{0} byte request")
  @ValueSource(ints = {0, 1_024, 8 << 20})
  void clientShutsDownWriting_stillReceivesTheWholeReply(int size) throws Exception {
    try (Socket socket = forwarder.connect(replierPort)) {
      String sent = Payloads.write(socket.getOutputStream(), size, size);
      socket.shutdownOutput();

      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(reply).isEqualTo(size + " " + sent + "\n" + ReplyAfterEofBackend.TRAILER + "\n");
    }
  }

  @Test
  void clientSendsEverythingAndFinBeforeTheBackendIsConnected_nothingIsLost() throws Exception {
    // Written in one go right after connect: data and FIN usually arrive before the backend connect completes.
    for (int i = 0; i < 50; i++) {
      try (Socket socket = forwarder.connect(replierPort)) {
        byte[] request = Payloads.bytes(i, 300);
        socket.getOutputStream().write(request);
        socket.shutdownOutput();
        String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(reply).startsWith("300 " + Payloads.sha256(request) + "\n");
      }
    }
  }

  @Test
  void backendSendsBannerAndFin_clientCanStillSend() throws Exception {
    banner.received().clear();
    try (Socket socket = forwarder.connect(bannerPort)) {
      InputStream in = socket.getInputStream();
      String greeting = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(greeting).isEqualTo(BannerBackend.BANNER);

      String sent = Payloads.write(socket.getOutputStream(), 42, 1 << 20);
      socket.shutdownOutput();

      Payloads.Received atBackend = banner.received().poll(30, TimeUnit.SECONDS);
      assertThat(atBackend).isNotNull();
      assertThat(atBackend.bytes()).isEqualTo(1 << 20);
      assertThat(atBackend.sha256()).isEqualTo(sent);
    }
  }
}
