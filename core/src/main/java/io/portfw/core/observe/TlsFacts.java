package io.portfw.core.observe;

/**
 * What a terminated TLS handshake settled, for routing, the access log and the listings; a
 * value is null when the client did not send it (no server name, no ALPN, no certificate).
 *
 * @param clientSubject the verified client certificate's subject (RFC 2253)
 * @param clientCn the common name of that subject: what routes and the PROXY header name the client by
 * @param resumed whether the handshake took up an earlier session instead of a full key exchange
 */
public record TlsFacts(String serverName, String protocol, String cipher, String alpn, String clientSubject,
    String clientCn, boolean resumed) {}
