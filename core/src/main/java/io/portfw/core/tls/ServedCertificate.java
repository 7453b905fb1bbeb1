package io.portfw.core.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * One certificate a listener presents: its chain and key as read and checked, and the server
 * names it serves (the configured ones, else its own DNS names).
 */
public record ServedCertificate(Path certFile, Path keyFile, List<X509Certificate> chain, PrivateKey key,
    List<String> names, boolean isDefault) {

  public ServedCertificate {
    chain = List.copyOf(chain);
    names = List.copyOf(names);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** The subject in RFC 2253 form, as operators read it in openssl's output. */
  public String subject() {
    return leaf().getSubjectX500Principal().getName();
  }
}
