package io.portfw.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of the test's own, made with the openssl command line in a directory:
 * server certificates (ECDSA P-256 or RSA, with DNS names), client certificates, and the broken
 * cases an operator can meet (expired, a key of another certificate, an encrypted key).
 */
public final class TestCa {

  private final Path dir;
  private int serial;

  public TestCa(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
        "-subj", "/CN=portfw test CA", "-keyout", dir.resolve("ca.key").toString(), "-out", ca().toString());
  }

  /** The CA's certificate: what clients trust. */
  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** A server certificate for {@code names} (the first is its CN), signed by the CA, valid for {@code days}. */
  public Issued server(String file, String keyType, int days, String... names) throws IOException, InterruptedException {
    List<String> alt = new ArrayList<>();
    for (String n : names) {
      alt.add((n.matches("[0-9.]+") || n.contains(":") ? "IP:" : "DNS:") + n);
    }
    return issue(file, keyType, days, "/CN=" + names[0], "subjectAltName=" + String.join(",", alt)
        + "\nextendedKeyUsage=serverAuth");
  }

  /** A client certificate with this common name. */
  public Issued client(String file, String commonName) throws IOException, InterruptedException {
    return issue(file, "ec", 30, "/CN=" + commonName + "/O=portfw tests", "extendedKeyUsage=clientAuth");
  }

  /** A chain file and a key file; {@code chain} holds the leaf then the CA, as servers send them. */
  public record Issued(Path cert, Path key, Path chain) {}

  private Issued issue(String file, String keyType, int days, String subject, String extensions)
      throws IOException, InterruptedException {
    Path key = dir.resolve(file + ".key");
    Path csr = dir.resolve(file + ".csr");
    Path cert = dir.resolve(file + ".pem");
    Path ext = Files.writeString(dir.resolve(file + ".ext"), extensions + "\n");
    if (keyType.equals("rsa")) {
      openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
    } else {
      openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    }
    openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
    // A negative validity makes an expired certificate: its dates are set by hand, since -days cannot go back.
    List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", csr.toString(), "-CA", ca().toString(),
        "-CAkey", dir.resolve("ca.key").toString(), "-set_serial", String.valueOf(++serial + 1000),
        "-extfile", ext.toString(), "-out", cert.toString()));
    sign.addAll(List.of("-days", String.valueOf(days)));
    openssl(sign.toArray(String[]::new));
    Path chain = dir.resolve(file + ".chain.pem");
    Files.writeString(chain, Files.readString(cert) + Files.readString(ca()));
    return new Issued(cert, key, chain);
  }

  /**
   * A self-signed certificate that expired in 2020, with its key: made with BouncyCastle, since the
   * openssl of Debian 12 cannot set past dates.
   */
  public Issued expired(String file, String name) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    var holder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(++serial + 5000),
        Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2020-01-02T00:00:00Z")), subject,
        pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    Path cert = dir.resolve(file + ".pem");
    Path key = dir.resolve(file + ".key");
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(cert))) {
      w.writeObject(holder);
    }
    try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(key))) {
      w.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
    }
    return new Issued(cert, key, cert);
  }

  /** The key of {@code issued}, encrypted with {@code password} (PKCS#8, AES-256). */
  public Path encryptedKey(Issued issued, String password) throws IOException, InterruptedException {
    Path out = dir.resolve(issued.key().getFileName() + ".enc");
    openssl("pkcs8", "-topk8", "-in", issued.key().toString(), "-v2", "aes-256-cbc", "-passout", "pass:" + password,
        "-out", out.toString());
    return out;
  }

  public static String openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
