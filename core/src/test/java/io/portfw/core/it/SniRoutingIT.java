package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.Refusal;
import io.portfw.testing.ClientHellos;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TlsBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TLS passthrough routed by server name, between the JDK's real TLS clients and servers with certificates of their own. */
class SniRoutingIT {

  private TlsBackend a;
  private TlsBackend b;
  private TlsBackend c;

  @BeforeEach
  void startBackends() throws Exception {
    a = new TlsBackend("a.example.com");
    b = new TlsBackend("b-wildcard");
    c = new TlsBackend("default");
  }

  @AfterEach
  void stopBackends() throws IOException {
    a.close();
    b.close();
    c.close();
  }

  @Test
  void serverNames_reachTheirBackends_exactly_byWildcard_andByDefault() throws Exception {
    try (RunningForwarder forwarder = start("")) {
      int port = forwarder.port();
      assertThat(handshake(port, "a.example.com")).isEqualTo("CN=a.example.com|I am a.example.com");
      assertThat(handshake(port, "x.b.example.com")).isEqualTo("CN=b-wildcard|I am b-wildcard");
      assertThat(handshake(port, "deep.x.B.Example.com")).as("any depth, any case").isEqualTo("CN=b-wildcard|I am b-wildcard");
      assertThat(handshake(port, "other.example.org")).isEqualTo("CN=default|I am default");
      assertThat(handshake(port, null)).as("no server name").isEqualTo("CN=default|I am default");
    }
  }

  @Test
  void aClientHelloInSeveralSegments_isStillRead() throws Exception {
    try (RunningForwarder forwarder = start("")) {
      byte[] hello = clientHello("a.example.com");
      try (Socket s = new Socket()) {
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", forwarder.port()), 5000);
        int third = hello.length / 3;
        for (int i = 0; i < 3; i++) {
          s.getOutputStream().write(hello, i * third, i == 2 ? hello.length - 2 * third : third);
          s.getOutputStream().flush();
          Thread.sleep(100); // pacing: each piece leaves as a segment of its own and is read apart
        }
        Eventually.holds(Duration.ofSeconds(5), "routed to a", () -> a.accepted() == 1);
      }
      assertThat(b.accepted() + c.accepted()).isZero();
    }
  }

  @Test
  void behindAProxyHeader_theClientHelloInTheSameSegmentIsStillRouted() throws Exception {
    try (RunningForwarder forwarder = start("\"acceptProxyProtocol\": { \"trusted\": [\"127.0.0.1\"] },")) {
      byte[] header = "PROXY TCP4 192.0.2.7 198.51.100.1 4242 443\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] hello = clientHello("x.b.example.com");
      byte[] both = new byte[header.length + hello.length];
      System.arraycopy(header, 0, both, 0, header.length);
      System.arraycopy(hello, 0, both, header.length, hello.length);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", forwarder.port()), 5000);
        s.getOutputStream().write(both); // one write, as a balancer in front sends them
        Eventually.holds(Duration.ofSeconds(5), "routed by name to b", () -> b.accepted() == 1);
      }
      assertThat(a.accepted() + c.accepted()).isZero();
    }
  }

  @Test
  void aClaimedHugeClientHello_isRefusedAtOnce() throws Exception {
    try (RunningForwarder forwarder = start("\"sniTimeout\": \"10s\",")) {
      long started = System.nanoTime();
      assertThat(send(forwarder.port(), new byte[] {0x16, 0x03, 0x01, 0x00, 0x04, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
          .isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not held for the timeout").isLessThan(Duration.ofSeconds(5));
      assertThat(a.accepted() + b.accepted() + c.accepted()).isZero();
    }
  }

  @Test
  void notTls_truncated_andGarbage_areClosedAndCounted() throws Exception {
    try (RunningForwarder forwarder = start("\"notTls\": \"close\", \"sniTimeout\": \"400ms\",")) {
      int port = forwarder.port();
      assertThat(send(port, "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
      byte[] hello = clientHello("a.example.com");
      byte[] truncated = java.util.Arrays.copyOf(hello, 20);
      long started = System.nanoTime();
      assertThat(send(port, truncated)).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      // A handshake record whose ClientHello claims 1 KiB and brings 4 bytes: it can never complete.
      byte[] garbage = {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00};
      assertThat(send(port, garbage)).isEmpty();
      Eventually.holds(Duration.ofSeconds(5), "counted, nothing open", () ->
          forwarder.refusedConnections("tls", Refusal.NOT_TLS) == 1
              && forwarder.refusedConnections("tls", Refusal.CLIENT_HELLO) == 2
              && forwarder.runtime().connections().count() == 0);
      assertThat(a.accepted() + b.accepted() + c.accepted()).as("no backend saw any of them").isZero();
    }
  }

  @Test
  void notTls_goesToTheListenersPool_byDefault() throws Exception {
    try (RunningForwarder forwarder = start("")) {
      send(forwarder.port(), "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Eventually.holds(Duration.ofSeconds(5), "the default pool took it", () -> c.accepted() == 1);
    }
  }

  /** A forwarder routing to a, b and c by server name, with {@code keys} added to its listener. */
  private RunningForwarder start(String keys) throws Exception {
    return RunningForwarder.start("""
        { "listeners": [ { "name": "tls", "listen": "127.0.0.1:%d", "pool": "c", %s
                           "routes": [ { "serverName": "a.example.com", "pool": "a" },
                                       { "serverName": "*.b.example.com", "pool": "b" },
                                       { "serverName": "*.example.com", "pool": "c" } ] } ],
          "pools": [ { "name": "a", "backends": [ { "address": "%s" } ] },
                     { "name": "b", "backends": [ { "address": "%s" } ] },
                     { "name": "c", "backends": [ { "address": "%s" } ] } ] }
        """.formatted(Ports.free(), keys, a.address(), b.address(), c.address()));
  }

  /** A full TLS handshake through portfw: the certificate's subject, and what the server said. */
  private static String handshake(int port, String serverName) throws Exception {
    SSLContext context = trustingEverything();
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      if (serverName != null) {
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(serverName)));
        s.setSSLParameters(p);
      }
      s.startHandshake();
      String subject = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
      String said = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      return subject + "|" + said;
    }
  }

  /** The bytes of a real ClientHello, as the JDK's TLS engine writes it. */
  private static byte[] clientHello(String serverName) throws Exception {
    return ClientHellos.of(trustingEverything(), serverName);
  }

  /** Sends the bytes and reads until the other side closes; "" when it closed or reset without a word. */
  private static String send(int port, byte[] bytes) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(bytes);
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException reset) {
      return "";
    }
  }

  private static SSLContext trustingEverything() throws Exception {
    TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, null);
    return context;
  }
}
