package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** What the commands that talk to a running portfw share: resolving it, and turning failures into exit codes. */
final class AdminExchange {

  /** One exchange with the admin API that yields the text to print. */
  interface Exchange {
    String run(AdminClient client) throws AdminClient.AdminException;
  }

  private AdminExchange() {}

  static int run(CommandSpec spec, AdminEndpointOptions target, Exchange exchange) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient client;
    try {
      client = target.client();
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID;
    }
    try {
      out.print(exchange.run(client));
      out.flush();
      return ExitCodes.OK;
    } catch (AdminClient.AdminException e) {
      err.println("portfw " + spec.name() + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
