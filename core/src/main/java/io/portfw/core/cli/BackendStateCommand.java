package io.portfw.core.cli;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code portfw drain|enable|disable POOL ADDRESS}: the operator takes a backend out of
 * rotation (drain keeps its live connections, disable too but says it is off for good) or puts it
 * back. One class, three commands: the action is the command's name.
 */
abstract class BackendStateCommand extends AdminCommand {

  @Parameters(index = "0", paramLabel = "POOL", description = "the pool's name")
  String pool;

  @Parameters(index = "1", paramLabel = "ADDRESS", description = "the backend's address as written in the config, e.g. 10.0.0.11:80")
  String address;

  @Override
  String exchange(AdminClient client) throws AdminClient.AdminException {
    String action = spec.name();
    JsonObject answer = client.post("/api/v1/pools/" + AdminClient.segment(pool) + "/backends/"
        + AdminClient.segment(address) + "/" + action);
    return "pool " + answer.getString("pool") + ": backend " + answer.getString("backend") + " "
        + answer.getString("previous").toUpperCase(Locale.ROOT) + " -> "
        + answer.getString("state").toUpperCase(Locale.ROOT) + System.lineSeparator();
  }

  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Takes a backend out of rotation; its live connections go on, new ones go elsewhere.")
  static final class Drain extends BackendStateCommand {}

  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Puts a drained or disabled backend back in rotation (when its health allows).")
  static final class Enable extends BackendStateCommand {}

  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Takes a backend out of rotation until it is enabled; live connections go on.")
  static final class Disable extends BackendStateCommand {}
}
