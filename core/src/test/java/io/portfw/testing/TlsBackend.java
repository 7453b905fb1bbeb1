package io.portfw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A real TLS server on loopback with a certificate of its own (made by the JDK's keytool for
 * {@code CN=name}), answering each handshake with its name: the certificate a client sees and
 * the answer both prove which backend it reached.
 */
public final class TlsBackend implements AutoCloseable {

  private static final char[] PASSWORD = "changeit".toCharArray();
  private final SSLServerSocket server;
  private final String name;
  private final AtomicInteger accepted = new AtomicInteger();

  public TlsBackend(String name) throws Exception {
    this.name = name;
    Path dir = Files.createTempDirectory("portfw-tls");
    Path store = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
        .redirectErrorStream(true).start();
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + new String(keytool.getInputStream().readAllBytes()));
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, new SecureRandom());
    server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::serve, "tls-" + name);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Connections accepted, finished handshakes or not. */
  public int accepted() {
    return accepted.get();
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        SSLSocket s = (SSLSocket) server.accept();
        accepted.incrementAndGet();
        Thread t = new Thread(() -> {
          try (s) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.getOutputStream().write(("I am " + name + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
          } catch (IOException e) {
            // a client that never finished its handshake: the test checks what it sent
          }
        });
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
