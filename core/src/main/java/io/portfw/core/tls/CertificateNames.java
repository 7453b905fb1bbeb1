package io.portfw.core.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** The server names a certificate is for: its DNS subject alternative names, else its subject's common name. */
public final class CertificateNames {

  /** The subjectAltName type of a DNS name (RFC 5280). */
  private static final int DNS_NAME = 2;

  private CertificateNames() {}

  static List<String> of(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> entry : alternatives) {
          if (entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0))) {
            names.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // an unreadable extension: fall back to the common name
    }
    if (names.isEmpty()) {
      commonName(certificate).ifPresent(cn -> names.add(cn.toLowerCase(Locale.ROOT)));
    }
    return names;
  }

  static Optional<String> commonName(X509Certificate certificate) {
    return commonName(certificate.getSubjectX500Principal().getName());
  }

  /** The common name of an RFC 2253 subject ({@code CN=alice,O=example}), if it has one. */
  public static Optional<String> commonName(String subject) {
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      // not an RFC 2253 name: no common name
    }
    return Optional.empty();
  }
}
