package io.portfw.core.runtime;

import io.portfw.config.BackendTlsConfig;
import io.portfw.config.ConfigError;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.TlsConfig;
import io.portfw.core.tls.ClientTls;
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
 * config is applied: a file that cannot serve refuses the start, the reload or {@code check},
 * with the key that names the file, the file and why, and what runs keeps its certificates.
 */
public record TlsMaterial(Map<String, ServerTls> byListener, Map<String, ClientTls> byPool, List<ConfigError> errors) {

  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
  private static final AtomicBoolean PROVIDER_LOGGED = new AtomicBoolean();

  static final TlsMaterial NONE = new TlsMaterial(Map.of(), Map.of(), List.of());

  public static TlsMaterial load(PortfwConfig config) {
    Map<String, ServerTls> loaded = new HashMap<>();
    List<ConfigError> errors = new ArrayList<>();
    List<ListenerConfig> listeners = config.listeners();
    for (int i = 0; i < listeners.size(); i++) {
      ListenerConfig l = listeners.get(i);
      if (l.tls().isEmpty()) {
        continue;
      }
      try {
        loaded.put(l.name(), ServerTls.load(l.tls().get()));
      } catch (TlsFileException e) {
        errors.add(new ConfigError(keyOf("listeners[" + i + "].tls", l.tls().get(), e), e.getMessage()));
      }
    }
    config.admin().tls().ifPresent(tls -> {
      try {
        ServerTls.load(tls);
      } catch (TlsFileException e) {
        errors.add(new ConfigError(keyOf("admin.tls", tls, e), e.getMessage()));
      }
    });
    Map<String, ClientTls> pools = new HashMap<>();
    for (int i = 0; i < config.pools().size(); i++) {
      PoolConfig p = config.pools().get(i);
      if (p.tls().isEmpty()) {
        continue;
      }
      BackendTlsConfig tls = p.tls().get();
      try {
        pools.put(p.name(), ClientTls.load(tls));
        if (!tls.verify()) {
          LOG.warn("pool {}: tls.verify is false: backend certificates are not checked", p.name());
        }
      } catch (TlsFileException e) {
        String key = e.file().equals(tls.ca().orElse(null)) ? "ca" : e.file().equals(tls.key().orElse(null)) ? "key" : "cert";
        errors.add(new ConfigError("pools[" + i + "].tls." + key, e.getMessage()));
      }
    }
    return new TlsMaterial(Map.copyOf(loaded), Map.copyOf(pools), List.copyOf(errors));
  }

  /** The config key that names the file that failed: {@code listeners[0].tls.certificates[1].key}, {@code admin.tls.clientCa}. */
  private static String keyOf(String section, TlsConfig tls, TlsFileException e) {
    String prefix = section + ".";
    for (int c = 0; c < tls.certificates().size(); c++) {
      TlsConfig.Certificate cert = tls.certificates().get(c);
      if (cert.cert().equals(e.file())) {
        return prefix + "certificates[" + c + "].cert";
      }
      if (cert.key().equals(e.file())) {
        return prefix + "certificates[" + c + "].key";
      }
    }
    return tls.clientCa().filter(e.file()::equals).isPresent() ? prefix + "clientCa" : prefix.substring(0, prefix.length() - 1);
  }

  /** Says once, in the start log, which TLS implementation does the handshakes; nothing when no listener terminates TLS. */
  void logProviderOnce() {
    if ((!byListener.isEmpty() || !byPool.isEmpty()) && PROVIDER_LOGGED.compareAndSet(false, true)) {
      LOG.info("tls: handshakes by {}", TlsProvider.describe());
    }
  }

  /** The errors as the reload result lists them. */
  List<String> messages() {
    return errors.stream().map(ConfigError::toString).toList();
  }
}
