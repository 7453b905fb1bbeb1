package io.portfw.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.BadPaddingException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads certificate chains and private keys from PEM files, in every form openssl writes keys
 * (PKCS#8, PKCS#1 RSA, SEC1 EC, and their encrypted forms), and checks that a key belongs to its
 * certificate. Every failure names the file and says why.
 */
public final class PemFiles {

  /** Only for encrypted keys' ciphers (the JDK has no PKCS7Padding); not installed as a JVM-wide provider. */
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private PemFiles() {}

  /** The certificates of a PEM file, leaf first as a chain file lists them. */
  public static List<X509Certificate> certificates(Path file) throws TlsFileException {
    byte[] bytes = read(file);
    if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
      throw new TlsFileException(file, "holds no certificate (expected -----BEGIN CERTIFICATE-----)");
    }
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      List<X509Certificate> chain = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) c);
      }
      if (chain.isEmpty()) {
        throw new TlsFileException(file, "holds no certificate (expected -----BEGIN CERTIFICATE-----)");
      }
      return chain;
    } catch (CertificateException e) {
      throw new TlsFileException(file, "is not a PEM certificate file (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new TlsFileException(file, "cannot read: " + e.getMessage());
    }
  }

  /** The private key of a PEM file; {@code password} opens an encrypted one. */
  public static PrivateKey privateKey(Path file, Optional<String> password) throws TlsFileException {
    byte[] bytes = read(file);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
         PEMParser pem = new PEMParser(reader)) {
      for (Object o; (o = pem.readObject()) != null; ) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          char[] secret = secret(file, password);
          return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
              new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(secret)));
        }
        if (o instanceof PEMEncryptedKeyPair encrypted) {
          char[] secret = secret(file, password);
          return converter.getKeyPair(encrypted.decryptKeyPair(
                  new JcePEMDecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(secret)))
              .getPrivate();
        }
      }
      throw new TlsFileException(file, "holds no private key (expected -----BEGIN PRIVATE KEY----- or an RSA or EC key)");
    } catch (PKCSException | EncryptionException e) {
      throw new TlsFileException(file, wrongPassword(e) ? "cannot decrypt the key: wrong password"
          : "cannot decrypt the key: " + e.getMessage());
    } catch (PEMException e) {
      throw new TlsFileException(file, e.getCause() instanceof BadPaddingException
          ? "cannot decrypt the key: wrong password" : "is not a PEM key file (" + e.getMessage() + ")");
    } catch (OperatorCreationException e) {
      throw new TlsFileException(file, "cannot decrypt the key: " + e.getMessage());
    } catch (IOException e) {
      throw new TlsFileException(file, "is not a PEM key file (" + e.getMessage() + ")");
    }
  }

  /** Fails unless {@code key} is the private half of {@code certificate}'s public key: a signature made with one must verify with the other. */
  public static void checkPair(Path keyFile, PrivateKey key, Path certFile, X509Certificate certificate)
      throws TlsFileException {
    PublicKey publicKey = certificate.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw new TlsFileException(keyFile, "is a " + key.getAlgorithm() + " key, but " + certFile + " holds a "
          + publicKey.getAlgorithm() + " certificate: the key does not match the certificate");
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return; // a key type with no signature check here: the handshake will tell
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signed = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(publicKey);
      verify.update(probe);
      if (!verify.verify(signed)) {
        throw new TlsFileException(keyFile, "does not match the certificate in " + certFile
            + " (it is the key of another certificate)");
      }
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(keyFile, "does not match the certificate in " + certFile + " (" + e.getMessage() + ")");
    }
  }

  /** A wrong password shows as a padding or checksum failure of the decrypted key. */
  private static boolean wrongPassword(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof BadPaddingException || m.contains("pad block") || m.contains("padding")
          || m.contains("corrupted") || m.contains("wrong password")) {
        return true;
      }
    }
    return false;
  }

  private static char[] secret(Path file, Optional<String> password) throws TlsFileException {
    return password.orElseThrow(() -> new TlsFileException(file, "the key is encrypted: set \"password\""))
        .toCharArray();
  }

  private static byte[] read(Path file) throws TlsFileException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(file, "no such file");
    } catch (AccessDeniedException e) {
      throw new TlsFileException(file, "cannot read: permission denied (portfw runs as " + System.getProperty("user.name") + ")");
    } catch (IOException e) {
      throw new TlsFileException(file, Files.isDirectory(file) ? "is a directory, not a file" : "cannot read: " + e.getMessage());
    }
  }
}
