package io.portfw.config;

import java.util.Locale;

/** The transport a listener forwards. */
public enum Protocol {
  TCP,
  UDP;

  /** The word used in the config file and in tables: {@code tcp}, {@code udp}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
