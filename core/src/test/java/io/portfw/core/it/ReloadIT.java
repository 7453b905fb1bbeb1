package io.portfw.core.it;

import static io.portfw.testing.Clients.accepts;
import static io.portfw.testing.Clients.connect;
import static io.portfw.testing.Clients.echo;
import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.ReloadResult;
import io.portfw.testing.EchoBackend;
import io.portfw.testing.Eventually;
import io.portfw.testing.Payloads;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reloads while traffic flows: nothing dropped, nothing half-applied. */
class ReloadIT {

  private final List<EchoBackend> echoes = new ArrayList<>();
  private int mainPort;
  private int extraPort;

  @BeforeEach
  void startBackends() {
    for (int i = 0; i < 3; i++) {
      echoes.add(new EchoBackend());
    }
    mainPort = Ports.free();
    extraPort = Ports.free();
  }

  @AfterEach
  void stopBackends() {
    echoes.forEach(EchoBackend::close);
  }

  /** The config of step {@code i} of a cycle: backends come and go, weights and strategies change, a listener appears. */
  private String config(int i) {
    String a = echoes.get(0).address();
    String b = echoes.get(1).address();
    String c = echoes.get(2).address();
    String pool = switch (i % 5) {
      case 0 -> "\"balance\": \"round-robin\", \"backends\": [ { \"address\": \"%s\" }, { \"address\": \"%s\" } ]".formatted(a, b);
      case 1 -> ("\"balance\": \"round-robin\", \"backends\": [ { \"address\": \"%s\", \"weight\": 1 }, "
          + "{ \"address\": \"%s\", \"weight\": 2 }, { \"address\": \"%s\", \"weight\": 3 } ]").formatted(a, b, c);
      case 2 -> "\"balance\": \"least-connections\", \"backends\": [ { \"address\": \"%s\" }, { \"address\": \"%s\" } ]".formatted(b, c);
      case 3 -> "\"balance\": \"random\", \"backends\": [ { \"address\": \"%s\" }, { \"address\": \"%s\" } ]".formatted(a, c);
      default -> "\"balance\": \"source-hash\", \"backends\": [ { \"address\": \"%s\" }, { \"address\": \"%s\" }, { \"address\": \"%s\" } ]"
          .formatted(a, b, c);
    };
    String extra = i % 5 == 4
        ? ", { \"name\": \"extra\", \"listen\": \"127.0.0.1:%d\", \"pool\": \"web\" }".formatted(extraPort) : "";
    return """
        { "listeners": [ { "name": "main", "listen": "127.0.0.1:%d", "pool": "web", "timeouts": { "drain": "2s" } } %s ],
          "pools": [ { "name": "web", %s } ] }
        """.formatted(mainPort, extra, pool);
  }

  @Test
  void fiftyReloadsUnderLoad_noConnectionFailsOrLosesAByte() throws Exception {
    try (RunningForwarder forwarder = RunningForwarder.start(config(0))) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger shortOk = new AtomicInteger();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorService load = Executors.newFixedThreadPool(6);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int seed = t;
        running.add(load.submit(() -> shortConnections(seed, stop, shortOk, failures)));
      }
      for (int t = 0; t < 4; t++) {
        int seed = 100 + t;
        running.add(load.submit(() -> longStream(seed, stop, failures)));
      }
      try {
        for (int i = 1; i <= 50; i++) {
          ReloadResult result = forwarder.reload(config(i));
          assertThat(result.outcome()).as("reload %d: %s", i, result.errors()).isEqualTo(ReloadResult.Outcome.APPLIED);
          Thread.sleep(40); // pacing: traffic flows between reloads, not a wait for anything
        }
      } finally {
        stop.set(true);
        for (Future<?> f : running) {
          f.get(60, TimeUnit.SECONDS);
        }
        load.shutdownNow();
      }
      assertThat(failures).isEmpty();
      assertThat(shortOk.get()).as("short connections served during the reloads").isGreaterThan(100);
    }
  }

  /** Request-reply connections one after another, each checked byte for byte. */
  private void shortConnections(int seed, AtomicBoolean stop, AtomicInteger ok, List<String> failures) {
    for (int n = 0; n < 100_000 && !stop.get(); n++) {
      byte[] request = Payloads.bytes(seed * 1_000_000L + n, 1024);
      try (Socket s = connect(mainPort)) {
        s.getOutputStream().write(request);
        s.shutdownOutput();
        byte[] reply = s.getInputStream().readAllBytes();
        if (!Arrays.equals(reply, request)) {
          failures.add("short connection " + seed + "/" + n + ": " + reply.length + " bytes back, not the 1024 sent");
        } else {
          ok.incrementAndGet();
        }
      } catch (IOException e) {
        failures.add("short connection " + seed + "/" + n + ": " + e);
      }
    }
  }

  /** One long connection streaming through every reload, each echoed chunk checked. */
  private void longStream(int seed, AtomicBoolean stop, List<String> failures) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[16 * 1024];
    byte[] back = new byte[chunk.length];
    try (Socket s = connect(mainPort)) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int n = 0; n < 1_000_000 && !stop.get(); n++) {
        random.nextBytes(chunk);
        out.write(chunk);
        if (in.readNBytes(back, 0, back.length) != back.length || !Arrays.equals(chunk, back)) {
          failures.add("long stream " + seed + ": chunk " + n + " came back different");
          return;
        }
      }
      s.shutdownOutput();
      if (in.read() != -1) {
        failures.add("long stream " + seed + ": bytes after the end");
      }
    } catch (IOException e) {
      failures.add("long stream " + seed + ": " + e);
    }
  }

  @Test
  void removedBackend_keepsItsConnectionsAndGetsNoNewOnes() throws Exception {
    String a = echoes.get(0).address();
    String b = echoes.get(1).address();
    String both = """
        { "listeners": [ { "name": "main", "listen": "127.0.0.1:%d", "pool": "web", "timeouts": { "drain": "1s" } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "%s" }, { "address": "%s" } ] } ] }
        """.formatted(mainPort, a, b);
    try (RunningForwarder forwarder = RunningForwarder.start(both);
         Socket onA = connect(mainPort)) { // round robin: the first connection goes to a
      assertThat(echo(onA, "before")).isEqualTo("before");
      assertThat(echoes.get(0).accepted()).isEqualTo(1);

      ReloadResult result = forwarder.reload(both.replace("{ \"address\": \"" + a + "\" }, ", ""));

      assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
      assertThat(result.summary()).isEqualTo("~1 pool");
      assertThat(echo(onA, "after the reload")).isEqualTo("after the reload");
      for (int i = 0; i < 10; i++) {
        try (Socket s = connect(mainPort)) {
          assertThat(echo(s, "new " + i)).isEqualTo("new " + i);
        }
      }
      assertThat(echoes.get(0).accepted()).as("new connections to the removed backend").isEqualTo(1);
      assertThat(echoes.get(1).accepted()).isEqualTo(10);
    }
  }

  @Test
  void changeThatFailsHalfWay_leavesTheRunningConfigAsItWas() throws Exception {
    String a = echoes.get(0).address();
    String start = """
        { "listeners": [ { "name": "main", "listen": "127.0.0.1:%d", "pool": "web" } ],
          "pools": [ { "name": "web", "backends": [ { "address": "%s", "weight": 1 } ] } ] }
        """.formatted(mainPort, a);
    try (ServerSocket taken = new ServerSocket();
         RunningForwarder forwarder = RunningForwarder.start(start)) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      String broken = """
          { "listeners": [ { "name": "main", "listen": "127.0.0.1:%d", "pool": "web" },
                           { "name": "fine", "listen": "127.0.0.1:%d", "pool": "other" },
                           { "name": "clash", "listen": "127.0.0.1:%d", "pool": "other" } ],
            "pools": [ { "name": "web", "backends": [ { "address": "%s", "weight": 7 } ] },
                       { "name": "other", "backends": [ { "address": "%s" } ] } ] }
          """.formatted(mainPort, extraPort, taken.getLocalPort(), a, echoes.get(1).address());

      ReloadResult result = forwarder.reload(broken);

      assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
      assertThat(result.errors()).containsExactly("listener \"clash\" cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": the address is already in use");
      assertThat(forwarder.runtime().lastReload()).isEqualTo(result);
      assertThat(forwarder.runtime().config().listeners()).hasSize(1);
      assertThat(forwarder.runtime().pool("web").backends().get(0).weight()).as("weight not changed").isEqualTo(1);
      assertThat(forwarder.runtime().pool("other")).as("new pool not added").isNull();
      Eventually.holds(Duration.ofSeconds(5), "the listener that did bind is stopped again", () -> !accepts(extraPort));
      try (Socket s = connect(mainPort)) {
        assertThat(echo(s, "still here")).isEqualTo("still here");
      }
    }
  }

  @Test
  void renamedListener_keepsItsConnectionsPastTheDrainTimeout() throws Exception {
    String template = """
        { "listeners": [ { "name": "%s", "listen": "127.0.0.1:%d", "pool": "web", "timeouts": { "drain": "500ms" } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
        """;
    try (RunningForwarder forwarder = RunningForwarder.start(template.formatted("web", mainPort, echoes.get(0).address()));
         Socket live = connect(mainPort)) {
      assertThat(echo(live, "before")).isEqualTo("before");

      assertThat(forwarder.reload(template.formatted("www", mainPort, echoes.get(0).address())).summary())
          .isEqualTo("renamed 1 listener");
      Eventually.holdsFor(Duration.ofMillis(1_500), "three drain timeouts: the live connection is not cut",
          () -> forwarder.activeConnections("web") == 1);

      assertThat(echo(live, "after")).isEqualTo("after");
      assertThat(forwarder.runtime().acceptedConnections("www")).as("counters carried over").isEqualTo(1);
    }
  }

  @Test
  void widenedPortRange_keepsTheConnectionsOnThePortsItKeeps() throws Exception {
    int first = Ports.freeRange(3, "127.0.0.1");
    String template = """
        { "listeners": [ { "name": "range", "listen": "127.0.0.1:%d-%d", "pool": "web", "timeouts": { "drain": "500ms" } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
        """;
    try (RunningForwarder forwarder = RunningForwarder.start(template.formatted(first, first + 1, echoes.get(0).address()));
         Socket live = connect(first)) {
      assertThat(echo(live, "before")).isEqualTo("before");
      assertThat(accepts(first + 2)).isFalse();

      ReloadResult result = forwarder.reload(template.formatted(first, first + 2, echoes.get(0).address()));

      assertThat(result.summary()).isEqualTo("rebound 1 listener");
      Eventually.holdsFor(Duration.ofMillis(1_500), "three drain timeouts: the live connection is not cut",
          () -> forwarder.activeConnections("web") == 1);
      assertThat(echo(live, "after")).isEqualTo("after");
      try (Socket added = connect(first + 2)) {
        assertThat(echo(added, "new port")).isEqualTo("new port");
      }
    }
  }

  @Test
  void failedReloadUnderTraffic_cutsNoClientAndBindsNothing() throws Exception {
    try (ServerSocket taken = new ServerSocket();
         RunningForwarder forwarder = RunningForwarder.start(config(0))) {
      taken.bind(new InetSocketAddress("127.0.0.1", Ports.free()));
      // Adds "extra" on a free port and "clash" on a taken one: the reload must fail as a whole.
      String clashing = config(4).replace("\"pool\": \"web\" } ],", "\"pool\": \"web\" }, "
          + "{ \"name\": \"clash\", \"listen\": \"127.0.0.1:" + taken.getLocalPort() + "\", \"pool\": \"web\" } ],");
      assertThat(clashing).contains("clash");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger cut = new AtomicInteger();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread clients = new Thread(() -> shortConnections(9, stop, ok, failures));
      Thread probes = new Thread(() -> {
        // A client of the listener being added must never be accepted and then cut when the reload fails.
        for (int n = 0; n < 100_000 && !stop.get(); n++) {
          byte[] request = Payloads.bytes(n, 512);
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", extraPort), 1_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.shutdownOutput();
            if (!Arrays.equals(s.getInputStream().readAllBytes(), request)) {
              cut.incrementAndGet();
            }
          } catch (java.net.ConnectException refused) {
            // not listening: fine, the listener does not exist
          } catch (IOException e) {
            cut.incrementAndGet();
          }
        }
      });
      clients.start();
      probes.start();
      try {
        for (int i = 0; i < 20; i++) {
          assertThat(forwarder.reload(clashing).outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
          Thread.sleep(30); // pacing: clients and probes run between the failed reloads, not a wait for anything
        }
      } finally {
        stop.set(true);
        clients.join(30_000);
        probes.join(30_000);
      }
      assertThat(failures).isEmpty();
      assertThat(cut.get()).as("clients accepted by the failed reload's listener, then cut").isZero();
      assertThat(ok.get()).isGreaterThan(10);
      assertThat(forwarder.runtime().config()).isEqualTo(forwarder.asRunning(config(0)));
    }
  }

  @Test
  void renamedListenerOnTheSameAddress_neverRefusesAClient() throws Exception {
    String template = """
        { "listeners": [ { "name": "%s", "listen": "127.0.0.1:%d", "pool": "web", "timeouts": { "drain": "1s" } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
        """;
    try (RunningForwarder forwarder = RunningForwarder.start(template.formatted("web", mainPort, echoes.get(0).address()))) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<String> failure = new AtomicReference<>();
      AtomicInteger ok = new AtomicInteger();
      Thread clients = new Thread(() -> shortConnections(7, stop, ok, new ArrayList<>() {
        @Override
        public boolean add(String f) {
          failure.compareAndSet(null, f);
          return true;
        }
      }));
      clients.start();
      try {
        for (int i = 1; i <= 10; i++) {
          ReloadResult result = forwarder.reload(template.formatted("web" + i, mainPort, echoes.get(0).address()));
          assertThat(result.summary()).isEqualTo("renamed 1 listener");
          Thread.sleep(50); // pacing: clients connect between the renames, not a wait for anything
        }
      } finally {
        stop.set(true);
        clients.join(30_000);
      }
      assertThat(failure.get()).isNull();
      assertThat(ok.get()).isGreaterThan(20);
    }
  }
}
