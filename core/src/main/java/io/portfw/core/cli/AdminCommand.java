package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running portfw: it finds the admin endpoint (the options of
 * {@link AdminEndpointOptions}), runs one exchange with it and prints what that yields. Options
 * that do not make an endpoint exit 2, an endpoint that fails or refuses exits 1.
 */
abstract class AdminCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  AdminEndpointOptions target;

  /** The one exchange with the admin API; returns the text to print. */
  abstract String exchange(AdminClient client) throws AdminClient.AdminException;

  /** The {@code -o} option of a command that has one: its failures are then JSON documents too in json mode. */
  OutputOption output() {
    return null;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient client;
    try {
      client = target.client();
    } catch (ConfigException | IllegalArgumentException e) {
      err.println(e.getMessage());
      failure(out, e.getMessage());
      return ExitCodes.INVALID;
    }
    try {
      out.print(exchange(client));
      out.flush();
      return ExitCodes.OK;
    } catch (AdminClient.AdminException e) {
      err.println("portfw " + spec.name() + ": " + e.getMessage());
      failure(out, e.getMessage());
      return ExitCodes.FAILURE;
    }
  }

  private void failure(PrintWriter out, String message) {
    if (output() != null) {
      output().failure(out, message);
    }
  }
}
