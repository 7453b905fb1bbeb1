package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.testing.Eventually;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import io.portfw.testing.TestCa;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates renewed on disk under continuous TLS load, the way cert-manager and ACME clients
 * do it (new files moved into place, or rewritten): portfw picks them up without a reload and
 * not one handshake fails, also when a renewal is broken for a while.
 */
class TlsRotationIT {

  @TempDir
  Path dir;

  @Test
  void renewedOnDisk_underLoad_newHandshakesGetTheNewCertificate_andNoneFails() throws Exception {
    TestCa ca = new TestCa(dir);
    TestCa.Issued first = ca.server("first", "ec", 30, "first.example.test");
    TestCa.Issued second = ca.server("second", "rsa", 30, "second.example.test");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(first.chain(), cert);
    Files.copy(first.key(), key);
    SSLContext client = trusting(ca.ca());
    try (TaggedBackend web = new TaggedBackend("web");
         RunningForwarder forwarder = RunningForwarder.start("""
             { "listeners": [ { "name": "https", "listen": "127.0.0.1:%d", "pool": "web",
                                "tls": { "certificates": [ { "cert": "%s", "key": "%s" } ] } } ],
               "pools": [ { "name": "web", "backends": [ { "address": "%s" } ] } ] }
             """.formatted(Ports.free(), cert, key, web.address()))) {
      List<String> failures = new CopyOnWriteArrayList<>();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      AtomicInteger handshakes = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> load = List.of(loadThread(client, forwarder.port(), stop, handshakes, seen, failures),
          loadThread(client, forwarder.port(), stop, handshakes, seen, failures));
      load.forEach(Thread::start);
      try {
        Eventually.holds(Duration.ofSeconds(10), "handshakes with the first certificate",
            () -> handshakes.get() > 20 && seen.contains("CN=first.example.test"));

        // A broken renewal first (a key that is not a key): logged, the running certificate stays.
        replace(key, "not a key\n".getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(1000);
        int before = handshakes.get();
        Eventually.holds(Duration.ofSeconds(10), "handshakes go on", () -> handshakes.get() > before + 20);
        assertThat(seen).containsOnly("CN=first.example.test");

        // The renewal: new files moved into place, certificate then key.
        replace(cert, Files.readAllBytes(second.chain()));
        replace(key, Files.readAllBytes(second.key()));
        Eventually.holds(Duration.ofSeconds(15), "handshakes with the renewed certificate",
            () -> seen.contains("CN=second.example.test"));
        int after = handshakes.get();
        Eventually.holds(Duration.ofSeconds(10), "more handshakes after it", () -> handshakes.get() > after + 20);
      } finally {
        stop.set(true);
        for (Thread t : load) {
          t.join(10_000);
        }
      }
      assertThat(failures).as("failed handshakes out of %d", handshakes.get()).isEmpty();
    }
  }

  /** Writes a new file next to it and moves it over, as cert-manager and certbot do. */
  private static void replace(Path file, byte[] content) throws Exception {
    Path next = file.resolveSibling(file.getFileName() + ".new");
    Files.write(next, content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Handshakes one after another until stopped (at most 60 s), each read to the backend's answer. */
  private static Thread loadThread(SSLContext context, int port, AtomicBoolean stop, AtomicInteger handshakes,
      Set<String> seen, List<String> failures) {
    Thread t = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!stop.get() && System.nanoTime() < deadline) {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
          s.setSoTimeout(10_000);
          s.startHandshake();
          String subject = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
          InputStream in = s.getInputStream();
          byte[] answer = in.readNBytes(4);
          if (!new String(answer, StandardCharsets.US_ASCII).equals("web\n")) {
            failures.add("answer: " + new String(answer, StandardCharsets.US_ASCII));
          }
          seen.add(subject);
          handshakes.incrementAndGet();
        } catch (Exception e) {
          failures.add(e.toString());
        }
      }
    }, "tls-load");
    t.setDaemon(true);
    return t;
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
