package io.portfw.core.cli;

import io.portfw.config.AdminConfig;
import io.portfw.config.BackendAddress;
import io.portfw.config.BackendConfig;
import io.portfw.config.ListenAddress;
import io.portfw.config.ListenerConfig;
import io.portfw.config.PoolConfig;
import io.portfw.config.PortfwConfig;
import io.portfw.config.Protocol;
import io.portfw.config.TimeoutsConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code portfw demo}: three built-in backends behind one listener, to see balancing at once. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs three built-in HTTP backends behind one listener.",
        "The backends listen on loopback and answer with their name, so each answer shows who served it.",
        "Stop it with Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

  private static final int BACKENDS = 3;

  @Spec
  CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
      description = "where the demo listener accepts (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9900",
      description = "where the admin API and dashboard listen (default: ${DEFAULT-VALUE})")
  String admin;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ListenAddress address;
    ListenAddress adminAddress;
    try {
      address = ListenAddress.parse(listen);
    } catch (IllegalArgumentException e) {
      err.println("--listen: " + e.getMessage());
      return ExitCodes.INVALID;
    }
    try {
      adminAddress = ListenAddress.parse(admin);
    } catch (IllegalArgumentException e) {
      err.println("--admin: " + e.getMessage());
      return ExitCodes.INVALID;
    }
    try (DemoBackends backends = DemoBackends.start(BACKENDS)) {
      PortfwConfig config = config(address, backends.ports()).withAdmin(new AdminConfig(adminAddress, Optional.empty()));
      return RunUntilStopped.run(config, out, err, instance -> {
        String url = "http://" + address + "/";
        out.println();
        out.println("portfw demo: " + BACKENDS + " backends behind " + url);
        out.println("Try it, and see the answer rotate over the backends:");
        out.println("  for i in 1 2 3 4 5 6; do curl -s " + url + "; done");
        out.println("Watch it live at http://" + adminAddress + "/ (status: bin/portfw status --admin http://"
            + adminAddress + ")");
        out.println("Stop with Ctrl-C.");
        out.flush();
      });
    }
  }

  private static PortfwConfig config(ListenAddress listen, List<Integer> ports) {
    List<BackendConfig> backends = ports.stream()
        .map(port -> BackendConfig.of(new BackendAddress("127.0.0.1", port)))
        .toList();
    PoolConfig pool = PoolConfig.of("demo", PoolConfig.DEFAULT_BALANCE, backends);
    ListenerConfig listener = new ListenerConfig("demo", Protocol.TCP, listen, "demo",
        TimeoutsConfig.DEFAULT.withDrain(Duration.ofSeconds(2)));
    return new PortfwConfig(AdminConfig.DEFAULT, List.of(listener), List.of(pool));
  }
}
