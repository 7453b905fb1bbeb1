package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code portfw check --config FILE}: validates without starting anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Validates a config file.",
        "Exit 0 and a summary when it is valid, with each TLS certificate's names and expiry;",
        "exit 2 and every error, with its JSON path, when not (certificate and key files are read and checked too)."})
final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

  @Override
  public Integer call() {
    try {
      PortfwConfig loaded = config.load();
      var out = spec.commandLine().getOut();
      out.println(config.file + ": valid (" + loaded.summary() + ")");
      // What each TLS listener will present: an operator checks names and expiry before a renewal is due.
      Instant now = Instant.now();
      config.tls().byListener().forEach((listener, tls) -> tls.certificates().forEach(c -> out.println(
          "  listener " + listener + ": " + c.certFile() + ": " + String.join(", ", c.names())
              + (c.isDefault() ? " (default)" : "") + "; expires " + DateTimeFormatter.ISO_LOCAL_DATE.format(
                  c.notAfter().atZone(ZoneOffset.UTC)) + " (in " + Duration.between(now, c.notAfter()).toDays() + " days)")));
      return ExitCodes.OK;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.INVALID;
    }
  }
}
