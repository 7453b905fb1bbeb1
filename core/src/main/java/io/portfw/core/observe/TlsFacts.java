package io.portfw.core.observe;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a terminated TLS handshake settled, for routing, the access log and the listings; a
 * value is null when the client did not send it (no server name, no ALPN, no certificate).
 *
 * @param clientSubject the verified client certificate's subject (RFC 2253)
 * @param resumed whether the handshake took up an earlier session instead of a full key exchange
 */
public record TlsFacts(String serverName, String protocol, String cipher, String alpn, String clientSubject,
    boolean resumed) {

  /** The common name of the client's certificate, or null: what routes and the PROXY header name the client by. */
  public String clientCn() {
    if (clientSubject == null) {
      return null;
    }
    try {
      for (Rdn rdn : new LdapName(clientSubject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // not an RFC 2253 name: no common name
    }
    return null;
  }
}
