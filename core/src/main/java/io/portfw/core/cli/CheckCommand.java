package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.PortfwConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
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
        "exit 2 and every error, with its JSON path, when not (certificate and key files are read and checked too).",
        "With -o json: {\"file\", \"valid\", \"summary\", \"listeners\", \"pools\", \"backends\", \"errors\": [{\"path\", "
            + "\"message\"}], \"certificates\": [...]}."})
final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFileOption config;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Instant now = Instant.now();
    try {
      PortfwConfig loaded = config.load();
      if (output.json()) {
        out.print(OutputOption.render(valid(loaded, now)));
        out.flush();
        return ExitCodes.OK;
      }
      out.println(config.file + ": valid (" + loaded.summary() + ")");
      // What each TLS listener will present: an operator checks names and expiry before a renewal is due.
      config.tls().byListener().forEach((listener, tls) -> tls.certificates().forEach(c -> out.println(
          "  listener " + listener + ": " + c.certFile() + ": " + String.join(", ", c.names())
              + (c.isDefault() ? " (default)" : "") + "; expires " + DateTimeFormatter.ISO_LOCAL_DATE.format(
                  c.notAfter().atZone(ZoneOffset.UTC)) + " (in " + Duration.between(now, c.notAfter()).toDays() + " days)")));
      return ExitCodes.OK;
    } catch (ConfigException e) {
      if (output.json()) {
        JsonArray errors = new JsonArray();
        e.errors().forEach(error -> errors.add(new JsonObject().put("path", error.path()).put("message", error.message())));
        out.print(OutputOption.render(new JsonObject().put("file", String.valueOf(config.file)).put("valid", false)
            .put("errors", errors).put("certificates", new JsonArray())));
        out.flush();
      }
      spec.commandLine().getErr().println(e.getMessage());
      return ExitCodes.INVALID;
    }
  }

  private JsonObject valid(PortfwConfig loaded, Instant now) {
    JsonArray certificates = new JsonArray();
    config.tls().byListener().forEach((listener, tls) -> tls.certificates().forEach(c -> certificates.add(new JsonObject()
        .put("listener", listener)
        .put("certFile", c.certFile().toString())
        .put("keyFile", c.keyFile().toString())
        .put("names", new JsonArray(c.names()))
        .put("default", c.isDefault())
        .put("notAfter", c.notAfter().toString())
        .put("daysLeft", Duration.between(now, c.notAfter()).toDays()))));
    return new JsonObject()
        .put("file", String.valueOf(config.file))
        .put("valid", true)
        .put("summary", loaded.summary())
        .put("listeners", loaded.listeners().size())
        .put("pools", loaded.pools().size())
        .put("backends", loaded.pools().stream().mapToInt(p -> p.backends().size()).sum())
        .put("errors", new JsonArray())
        .put("certificates", certificates);
  }
}
