package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.balancing.Backend;
import io.portfw.config.AdminConfig;
import io.portfw.config.ConfigLoader;
import io.portfw.config.ListenAddress;
import io.portfw.config.PortfwConfig;
import io.portfw.core.observe.ReloadResult;
import io.portfw.core.runtime.PortfwRuntime;
import io.portfw.testing.AdminHttp;
import io.portfw.testing.Clients;
import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import io.portfw.testing.UdpEchoBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Backends given by host name at the edges: a name from /etc/hosts, names that come and go with
 * reloads while a lookup is slow (a DNS server whose delay the test sets), the HTTP check's Host
 * header, UDP sessions and warm connections following the answer; and no warm connections for
 * a UDP-only pool. Each test failed before its fix (found by review).
 */
class NamedBackendsIT {

  /** A backend name found in /etc/hosts ("localhost") must resolve, and start must complete. */
  @Test
  void hostsFileName_resolves_andStartCompletes() throws Exception {
    try (TaggedBackend one = new TaggedBackend("one")) {
      PortfwConfig config = withFreeAdmin(ConfigLoader.parse("""
          { "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p", "backends": [ { "address": "localhost:%d" } ] } ] }
          """.formatted(Ports.free(), one.port()), "t"));
      PortfwRuntime runtime;
      try {
        runtime = PortfwRuntime.start(config).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException hung) {
        throw new AssertionError("start did not complete within 10 s with backend localhost:" + one.port(), hung);
      }
      try {
        assertThat(Clients.answerOf(config.listeners().get(0).listen().firstPort())).isEqualTo("one");
      } finally {
        runtime.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * A reload that puts a new host name into an existing pool: the name is looked up before the
   * commit, so the swapped pool's backend should have an address as soon as the reload returns.
   */
  @Test
  void changedPool_newHostName_hasAnAddressWhenTheReloadReturns() throws Exception {
    try (TaggedBackend one = new TaggedBackend("one");
         SlowDns dns = new SlowDns(400)) {
      String template = """
          { "dns": { "servers": ["127.0.0.1:%d"], "timeout": "5s" },
            "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p", "backends": [ { "address": "%s:%d" } ] } ] }
          """;
      int port = Ports.free();
      try (RunningForwarder forwarder = RunningForwarder.start(
          template.formatted(dns.port(), port, "a.review.test", one.port()))) {
        assertThat(Clients.answerOf(port)).isEqualTo("one");
        ReloadResult r = forwarder.reload(template.formatted(dns.port(), port, "b.review.test", one.port()));
        assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        Backend b = forwarder.runtime().pool("p").backends().get(0);
        assertThat(b.address().host()).isEqualTo("b.review.test");
        assertThat(b.ip()).as("the new backend's address right after the reload").isNotNull();
        assertThat(Clients.answerOf(port)).as("a client right after the reload").isEqualTo("one");
      }
    }
  }

  /**
   * Reload 1 removes a pool whose listener still drains a connection; reload 2 adds a pool with a
   * new host name. The pool removal (after the drain) happens while reload 2 looks the name up.
   */
  @Test
  void reloadCompletes_whenAnEarlierRemovalFinishesDuringTheLookUp() throws Exception {
    try (TaggedBackend one = new TaggedBackend("one");
         SlowDns dns = new SlowDns(2500)) {
      int keep = Ports.free();
      int old = Ports.free();
      int fresh = Ports.free();
      String head = """
          { "dns": { "servers": ["127.0.0.1:%d"], "timeout": "5s" },
          """.formatted(dns.port());
      try (RunningForwarder forwarder = RunningForwarder.start(head + """
            "listeners": [ { "name": "keep", "listen": "127.0.0.1:%d", "pool": "k" },
                           { "name": "old", "listen": "127.0.0.1:%d", "pool": "o", "timeouts": { "drain": "500ms" } } ],
            "pools": [ { "name": "k", "backends": [ { "address": "127.0.0.1:%d" } ] },
                       { "name": "o", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
          """.formatted(keep, old, one.port(), one.port()));
           Socket lingering = forwarder.connect(old)) {
        assertThat(new BufferedReader(new InputStreamReader(lingering.getInputStream())).readLine()).isEqualTo("one");
        // Reload 1: "old" and its pool go; the pool is removed once the lingering connection is drained (500 ms).
        assertThat(forwarder.reload(head + """
              "listeners": [ { "name": "keep", "listen": "127.0.0.1:%d", "pool": "k" } ],
              "pools": [ { "name": "k", "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
            """.formatted(keep, one.port())).outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        // Reload 2, at once: a new pool with a host name, whose lookup takes 2.5 s.
        PortfwConfig next = forwarder.asRunning(head + """
              "listeners": [ { "name": "keep", "listen": "127.0.0.1:%d", "pool": "k" },
                             { "name": "fresh", "listen": "127.0.0.1:%d", "pool": "n" } ],
              "pools": [ { "name": "k", "backends": [ { "address": "127.0.0.1:%d" } ] },
                         { "name": "n", "backends": [ { "address": "n.review.test:%d" } ] } ] }
            """.formatted(keep, fresh, one.port(), one.port()));
        CompletableFuture<ReloadResult> second = forwarder.runtime().reload(next).toCompletionStage().toCompletableFuture();
        ReloadResult r;
        try {
          r = second.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException hung) {
          throw new AssertionError("reload 2 never completed (and every later reload queues behind it)", hung);
        }
        assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
        assertThat(Clients.answerOf(fresh)).isEqualTo("one");
      }
    }
  }

  /** Before the change the HTTP check sent "Host: name:port"; the schema documents "default the backend's address". */
  @Test
  void httpCheck_ofANamedBackend_sendsTheNameAsHost() throws Exception {
    try (SlowDns dns = new SlowDns(0);
         HostRecorder http = new HostRecorder()) {
      try (RunningForwarder forwarder = RunningForwarder.start("""
          { "dns": { "servers": ["127.0.0.1:%d"] },
            "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p", "health": { "type": "http", "path": "/", "interval": "200ms", "timeout": "1s" },
                         "backends": [ { "address": "app.review.test:%d" } ] } ] }
          """.formatted(dns.port(), Ports.free(), http.port()))) {
        Eventually.holds(Duration.ofSeconds(10), "a health check arrived", () -> http.lastHost != null);
        assertThat(http.lastHost).isEqualTo("app.review.test:" + http.port());
      }
    }
  }

  /** dns.servers and the tracked answer should apply to UDP backends as they do to TCP ones and to the checks. */
  @Test
  void udpBackendName_isResolvedByTheConfiguredDnsServer() throws Exception {
    try (SlowDns dns = new SlowDns(0);
         UdpEchoBackend echo = new UdpEchoBackend("u:")) {
      int port = Ports.free();
      try (RunningForwarder forwarder = RunningForwarder.start("""
          { "dns": { "servers": ["127.0.0.1:%d"] },
            "listeners": [ { "name": "u", "protocol": "udp", "timeouts": { "drain": "1s" }, "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p", "backends": [ { "address": "u.review.test:%d" } ] } ] }
          """.formatted(dns.port(), port, echo.port()));
           DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        assertThat(forwarder.runtime().pool("p").backends().get(0).ip()).as("tracked answer")
            .isEqualTo(InetAddress.getByName("127.0.0.1"));
        client.setSoTimeout(5_000);
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", port)));
        DatagramPacket reply = new DatagramPacket(new byte[100], 100);
        try {
          client.receive(reply);
        } catch (java.net.SocketTimeoutException e) {
          throw new AssertionError("no UDP reply: the session looked the name up with the system resolver", e);
        }
        assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII)).isEqualTo("u:ping");
      }
    }
  }

  /** Docs: a changed answer is "used by new connections ... at once". Warm connections made to the old address are not. */
  @Test
  void warmConnections_followAChangedAnswer() throws Exception {
    int backendPort = Ports.free();
    try (SlowDns dns = new SlowDns(0);
         Greeter one = new Greeter("one", "127.0.0.1", backendPort);
         Greeter two = new Greeter("two", "127.0.0.2", backendPort)) {
      int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
      try (RunningForwarder forwarder = RunningForwarder.start("""
          { "dns": { "servers": ["127.0.0.1:%d"], "minTtl": "200ms" },
            "listeners": [ { "name": "app", "listen": "127.0.0.1:%d", "pool": "p" } ],
            "pools": [ { "name": "p", "preconnect": { "connections": %d, "maxIdle": "1h" },
                         "backends": [ { "address": "w.review.test:%d" } ] } ] }
          """.formatted(dns.port(), Ports.free(), loops, backendPort))) {
        AdminHttp admin = new AdminHttp(forwarder.adminUrl());
        Eventually.holds(Duration.ofSeconds(10), "warm made", () -> backendJson(admin).getInteger("warm") == loops);
        dns.answer("w.review.test", "127.0.0.2");
        Eventually.holds(Duration.ofSeconds(10), "new answer taken",
            () -> "127.0.0.2".equals(backendJson(admin).getString("ip")));
        try (Socket client = forwarder.connect()) {
          String greeting = new BufferedReader(new InputStreamReader(client.getInputStream())).readLine();
          assertThat(greeting).as("a new client after the answer changed").isEqualTo("two");
        }
      }
    }
  }

  /**
   * preconnect on a pool that only a UDP listener uses: warm connections are for TCP clients, so none are made.
   * A TCP pool with the same setting in the same config does get them: the control that preconnect ran at all.
   */
  @Test
  void preconnect_onAUdpOnlyPool_makesNoTcpConnections() throws Exception {
    // A port below the ephemeral range, so no outgoing connection of this machine holds it for TCP.
    int shared = Ports.free();
    try (ServerSocket tcpOnSamePort = new ServerSocket();
         ServerSocket tcpPoolBackend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         UdpEchoBackend echo = new UdpEchoBackend("u:", shared)) {
      tcpOnSamePort.bind(new InetSocketAddress("127.0.0.1", shared));
      AtomicInteger udpPoolTcpAccepted = countAccepts(tcpOnSamePort);
      AtomicInteger tcpPoolAccepted = countAccepts(tcpPoolBackend);
      String json = """
          { "listeners": [ { "name": "u", "protocol": "udp", "timeouts": { "drain": "1s" }, "listen": "127.0.0.1:%d", "pool": "p" },
                           { "name": "t", "listen": "127.0.0.1:%d", "pool": "t" } ],
            "pools": [ { "name": "p", "preconnect": { "connections": 2 },
                         "backends": [ { "address": "127.0.0.1:%d" } ] },
                       { "name": "t", "preconnect": { "connections": 2 },
                         "backends": [ { "address": "127.0.0.1:%d" } ] } ] }
          """.formatted(Ports.free(), Ports.free(), echo.port(), tcpPoolBackend.getLocalPort());
      try (RunningForwarder forwarder = RunningForwarder.start(json)) {
        Eventually.holds(Duration.ofSeconds(5), "warm connections to the TCP pool's backend",
            () -> tcpPoolAccepted.get() >= 2);
        Eventually.holdsFor(Duration.ofSeconds(1), () -> udpPoolTcpAccepted.get()
            + " TCP connections made to the backend of a UDP-only pool", () -> udpPoolTcpAccepted.get() == 0);
      }
    }
  }

  /** Accepts on {@code server} in the background, holding each connection open, and counts them. */
  private static AtomicInteger countAccepts(ServerSocket server) {
    AtomicInteger accepted = new AtomicInteger();
    List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          held.add(server.accept());
          accepted.incrementAndGet();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return accepted;
  }

  private static io.vertx.core.json.JsonObject backendJson(AdminHttp admin) {
    try {
      return admin.get("/api/v1/pools").json().getJsonArray("pools").getJsonObject(0)
          .getJsonArray("backends").getJsonObject(0);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static PortfwConfig withFreeAdmin(PortfwConfig config) throws IOException {
    return config.admin().equals(AdminConfig.DEFAULT)
        ? config.withAdmin(new AdminConfig(ListenAddress.of("127.0.0.1", Ports.free()), config.admin().token()))
        : config;
  }

  /** Greets with its tag, then echoes, keeping the connection open (a server-first backend). */
  static final class Greeter implements AutoCloseable {
    private final ServerSocket server;

    Greeter(String tag, String host, int port) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            Thread c = new Thread(() -> {
              try (s) {
                OutputStream out = s.getOutputStream();
                out.write((tag + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.getInputStream().transferTo(out);
              } catch (IOException ignored) {
                // gone
              }
            });
            c.setDaemon(true);
            c.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Answers each GET with 200 and remembers the Host header of the last one. */
  static final class HostRecorder implements AutoCloseable {
    private final ServerSocket server;
    volatile String lastHost;

    HostRecorder() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            s.setSoTimeout(2_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
              if (line.regionMatches(true, 0, "Host:", 0, 5)) {
                lastHost = line.substring(5).strip();
              }
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                .getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            // next
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /**
   * A minimal DNS server on 127.0.0.1: answers A queries for any name (127.0.0.1 unless told
   * otherwise) with TTL 0 after a fixed delay, and AAAA with no record.
   */
  static final class SlowDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slow-dns");
      t.setDaemon(true);
      return t;
    });
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    SlowDns(long delayMillis) throws IOException {
      socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      Thread t = new Thread(() -> {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
          try {
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            socket.receive(in);
            byte[] query = java.util.Arrays.copyOf(in.getData(), in.getLength());
            java.net.SocketAddress from = in.getSocketAddress();
            delayer.schedule(() -> reply(query, from), delayMillis, TimeUnit.MILLISECONDS);
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    void answer(String name, String ip) {
      answers.put(name, ip);
    }

    private void reply(byte[] q, java.net.SocketAddress to) {
      try {
        int i = 12;
        StringBuilder name = new StringBuilder();
        while (q[i] != 0) {
          int len = q[i] & 0xff;
          if (name.length() > 0) {
            name.append('.');
          }
          name.append(new String(q, i + 1, len, StandardCharsets.US_ASCII));
          i += len + 1;
        }
        i++; // the root label
        int type = ((q[i] & 0xff) << 8) | (q[i + 1] & 0xff);
        int questionEnd = i + 4;
        ByteBuffer out = ByteBuffer.allocate(512);
        out.put(q, 0, 2); // id
        out.putShort((short) 0x8180);
        out.putShort((short) 1);
        out.putShort((short) (type == 1 ? 1 : 0));
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.put(q, 12, questionEnd - 12);
        if (type == 1) {
          out.putShort((short) 0xC00C);
          out.putShort((short) 1);
          out.putShort((short) 1);
          out.putInt(0); // TTL
          out.putShort((short) 4);
          String host = name.toString().toLowerCase(java.util.Locale.ROOT);
          if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
          }
          out.put(InetAddress.getByName(answers.getOrDefault(host, "127.0.0.1")).getAddress());
        }
        socket.send(new DatagramPacket(out.array(), out.position(), to));
      } catch (IOException | RuntimeException e) {
        // drop
      }
    }

    @Override
    public void close() {
      socket.close();
      delayer.shutdownNow();
    }
  }
}
