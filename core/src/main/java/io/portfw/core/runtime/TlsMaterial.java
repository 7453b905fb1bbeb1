package io.portfw.core.runtime;

import io.portfw.config.ListenerConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.core.tls.ServerTls;
import io.portfw.core.tls.TlsFileException;
import io.portfw.core.tls.TlsProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of every TLS listener of a config, loaded and checked before anything of the
 * config is applied: a file that cannot serve refuses the start or the reload, naming the
 * listener, the file and why, and what runs keeps its certificates.
 */
record TlsMaterial(Map<String, ServerTls> byListener, List<String> errors) {

  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
  private static final AtomicBoolean PROVIDER_LOGGED = new AtomicBoolean();

  static TlsMaterial load(PortfwConfig config) {
    Map<String, ServerTls> loaded = new HashMap<>();
    List<String> errors = new ArrayList<>();
    for (ListenerConfig l : config.listeners()) {
      if (l.tls().isEmpty()) {
        continue;
      }
      if (PROVIDER_LOGGED.compareAndSet(false, true)) {
        LOG.info("tls: handshakes by {}", TlsProvider.describe());
      }
      try {
        loaded.put(l.name(), ServerTls.load(l.tls().get()));
      } catch (TlsFileException e) {
        errors.add("listener " + l.name() + ": tls: " + e.getMessage());
      }
    }
    return new TlsMaterial(Map.copyOf(loaded), List.copyOf(errors));
  }
}
