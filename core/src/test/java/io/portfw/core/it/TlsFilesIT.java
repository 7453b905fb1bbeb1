package io.portfw.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portfw.core.observe.ReloadResult;
import io.portfw.testing.PortfwProcess;
import io.portfw.testing.Ports;
import io.portfw.testing.RunningForwarder;
import io.portfw.testing.TaggedBackend;
import io.portfw.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate and key files as operators get them wrong and renew them: every bad case refuses
 * {@code check}, the start and a reload with the key, the file and the reason, and a renewal is
 * picked up by a reload without dropping what runs.
 */
class TlsFilesIT {

  @TempDir
  static Path dir;
  private static TestCa ca;
  private static TestCa.Issued www;
  private static TestCa.Issued other;
  private static TestCa.Issued api;

  @BeforeAll
  static void certificates() throws Exception {
    ca = new TestCa(dir);
    www = ca.server("www", "ec", 30, "www.example.test");
    other = ca.server("other", "ec", 30, "other.example.test");
    api = ca.server("api", "rsa", 30, "api.example.test", "*.api.example.test");
  }

  private static String config(int port, String certificates) {
    return """
        { "listeners": [ { "name": "https", "listen": "127.0.0.1:%d", "pool": "web",
                           "tls": { "certificates": [ %s ] } } ],
          "pools": [ { "name": "web", "backends": [ { "address": "127.0.0.1:9" } ] } ] }
        """.formatted(port, certificates);
  }

  private static String cert(Path cert, Path key, String more) {
    return "{ \"cert\": \"" + cert + "\", \"key\": \"" + key + "\"" + more + " }";
  }

  @Test
  void check_printsEachCertificatesNamesAndExpiry_andOpensAnEncryptedKeyWithItsPassword() throws Exception {
    Path encrypted = ca.encryptedKey(api, "s3cret");
    Path file = Files.writeString(dir.resolve("ok.json"), config(Ports.free(),
        cert(www.chain(), www.key(), "") + ", " + cert(api.chain(), encrypted, ", \"password\": \"${KEY_PASSWORD}\"")));
    try (PortfwProcess check = PortfwProcess.startWith(Map.of("KEY_PASSWORD", "s3cret"), List.of(),
        "check", "--config", file.toString())) {
      assertThat(check.exitCode()).as(check.stderr()).isZero();
      assertThat(check.stdout()).contains("listener https: " + www.chain() + ": www.example.test (default); expires ")
          .contains("listener https: " + api.chain() + ": api.example.test, *.api.example.test; expires ")
          .containsPattern("\\(in (29|30) days\\)");
    }
  }

  @Test
  void everyBadFile_refusesCheckAndStart_withTheKeyTheFileAndWhy() throws Exception {
    TestCa.Issued expired = ca.expired("expired", "old.example.test");
    Path encrypted = ca.encryptedKey(api, "s3cret");
    Path missing = dir.resolve("missing.pem");
    Map<String, String> cases = Map.of(
        cert(expired.cert(), expired.key(), ""),
        "listeners[0].tls.certificates[0].cert: " + expired.cert() + ": the certificate expired on 2020-01-02T00:00:00Z",
        cert(www.chain(), other.key(), ""),
        "listeners[0].tls.certificates[0].key: " + other.key() + ": does not match the certificate in " + www.chain(),
        cert(www.chain(), api.key(), ""),
        "listeners[0].tls.certificates[0].key: " + api.key() + ": is a RSA key, but " + www.chain()
            + " holds a EC certificate: the key does not match the certificate",
        cert(api.chain(), encrypted, ""),
        "listeners[0].tls.certificates[0].key: " + encrypted + ": the key is encrypted: set \"password\"",
        cert(api.chain(), encrypted, ", \"password\": \"wrong\""),
        "listeners[0].tls.certificates[0].key: " + encrypted + ": cannot decrypt the key: wrong password",
        cert(missing, www.key(), ""),
        "listeners[0].tls.certificates[0].cert: " + missing + ": no such file",
        cert(www.key(), www.key(), ""),
        "listeners[0].tls.certificates[0].cert: " + www.key() + ": holds no certificate (expected -----BEGIN CERTIFICATE-----)");
    int n = 0;
    for (var c : cases.entrySet()) {
      Path file = Files.writeString(dir.resolve("bad" + n++ + ".json"), config(Ports.free(), c.getKey()));
      try (PortfwProcess check = PortfwProcess.start("check", "--config", file.toString())) {
        assertThat(check.exitCode()).as(c.getKey()).isEqualTo(2);
        assertThat(check.stderr()).as(c.getKey()).contains(c.getValue());
      }
    }
    Path file = Files.writeString(dir.resolve("bad-run.json"), config(Ports.free(),
        cert(expired.cert(), expired.key(), "")));
    try (PortfwProcess run = PortfwProcess.start("run", "--config", file.toString())) {
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.stderr()).contains("the certificate expired on 2020-01-02T00:00:00Z");
    }
  }

  @Test
  void aReload_withABadCertificate_isRefusedAndTheRunningOnesStay_aRenewedOneIsPickedUp() throws Exception {
    TestCa.Issued expired = ca.expired("expired2", "old.example.test");
    Path served = dir.resolve("served.pem");
    Path servedKey = dir.resolve("served.key");
    Files.copy(www.chain(), served, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(www.key(), servedKey, StandardCopyOption.REPLACE_EXISTING);
    int port = Ports.free();
    try (TaggedBackend web = new TaggedBackend("web");
         RunningForwarder forwarder = RunningForwarder.start(config(port, cert(served, servedKey, ""))
             .replace("127.0.0.1:9", web.address()))) {
      assertThat(subjectSeen(port, "www.example.test")).contains("CN = www.example.test");

      ReloadResult refused = forwarder.reload(config(port, cert(expired.cert(), expired.key(), ""))
          .replace("127.0.0.1:9", web.address()));
      assertThat(refused.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
      assertThat(refused.errors()).singleElement().asString().contains(expired.cert().toString(), "expired");
      assertThat(subjectSeen(port, "www.example.test")).as("the running certificate stays")
          .contains("CN = www.example.test");

      // Renewed in place, as an ACME client does: the same config, new files.
      Files.copy(other.chain(), served, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(other.key(), servedKey, StandardCopyOption.REPLACE_EXISTING);
      ReloadResult renewed = forwarder.reload(config(port, cert(served, servedKey, ""))
          .replace("127.0.0.1:9", web.address()));
      assertThat(renewed.summary()).contains("certificates reloaded");
      assertThat(subjectSeen(port, "other.example.test")).contains("CN = other.example.test");
    }
  }

  /** What s_client printed of the certificate it was given. */
  static String subjectSeen(int port, String serverName) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", serverName,
        "-CAfile", ca.ca().toString(), "-brief").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
