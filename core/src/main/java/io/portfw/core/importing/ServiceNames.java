package io.portfw.core.importing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** Port numbers of service names ({@code http}, {@code ssh}) as /etc/services gives them. */
final class ServiceNames {

  private final Map<String, Integer> ports = new HashMap<>();

  /** The names in {@code services} (/etc/services on a system that has it; none when it cannot be read). */
  ServiceNames(Path services) {
    try {
      for (String line : Files.readAllLines(services)) {
        String[] f = ShellLines.stripComment(line).strip().split("\\s+");
        if (f.length >= 2 && f[1].matches("\\d+/(tcp|udp)")) {
          int port = Integer.parseInt(f[1].substring(0, f[1].indexOf('/')));
          String protocol = f[1].substring(f[1].indexOf('/') + 1);
          for (int i = 0; i < f.length; i++) {
            if (i != 1) {
              ports.putIfAbsent(f[i].toLowerCase(Locale.ROOT) + "/" + protocol, port);
            }
          }
        }
      }
    } catch (IOException e) {
      // no services file: only numbers are understood
    }
  }

  OptionalInt port(String name, String protocol) {
    Integer port = ports.get(name.toLowerCase(Locale.ROOT) + "/" + protocol);
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }
}
