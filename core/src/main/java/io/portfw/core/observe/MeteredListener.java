package io.portfw.core.observe;

import java.util.List;

/**
 * What the metrics read of one running listener: its counters, whether it is UDP (which adds
 * datagram and session meters), and the certificates it presents when it terminates TLS (which
 * adds handshake meters and an expiry gauge per certificate). Equal for the same counters,
 * protocol and certificates, so the meters of a listener are made anew only when one of those changes.
 */
public record MeteredListener(ListenerCounters counters, boolean udp, List<CertificateExpiry> certificates) {

  public MeteredListener {
    certificates = List.copyOf(certificates);
  }

  public MeteredListener(ListenerCounters counters, boolean udp) {
    this(counters, udp, List.of());
  }

  boolean tls() {
    return !certificates.isEmpty();
  }
}
