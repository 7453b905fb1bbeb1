package io.portfw.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** What an active health check does to a backend; one record per {@code "type"}. */
public sealed interface ProbeConfig {

  /** The {@code "type"} value as written in the config. */
  String type();

  /** Healthy when a TCP connection opens; it is closed at once. */
  record Tcp() implements ProbeConfig {
    @Override
    public String type() {
      return "tcp";
    }
  }

  /**
   * Healthy when {@code GET path} answers with a status in {@code expectStatus} and, when
   * {@code expectBody} is set, a body that contains it.
   *
   * @param host the {@code Host} header; empty = the backend's own host and port
   */
  record Http(String path, Optional<String> host, StatusCodes expectStatus, Optional<String> expectBody)
      implements ProbeConfig {
    public Http {
      requireNonNull(path, "path");
      requireNonNull(host, "host");
      requireNonNull(expectStatus, "expectStatus");
      requireNonNull(expectBody, "expectBody");
    }

    @Override
    public String type() {
      return "http";
    }
  }

  /**
   * Healthy when, after {@code send} (one byte per character, may be empty), the reply matches
   * the regular expression {@code expect}: banners of SMTP, FTP, SSH and home-made protocols;
   * over UDP, one datagram out and one back (a DNS query, say).
   */
  record SendExpect(String send, String expect, Protocol protocol) implements ProbeConfig {
    public SendExpect {
      requireNonNull(send, "send");
      requireNonNull(expect, "expect");
      requireNonNull(protocol, "protocol");
    }

    public SendExpect(String send, String expect) {
      this(send, expect, Protocol.TCP);
    }

    @Override
    public String type() {
      return "send-expect";
    }
  }
}
