package io.portfw.core.cli;

import io.portfw.config.ConfigException;
import io.portfw.config.ConfigLoader;
import io.portfw.core.importing.ConfigDraft;
import io.portfw.core.importing.ImportException;
import io.portfw.core.importing.ImportReport;
import io.portfw.core.importing.Importers;
import io.portfw.core.importing.RuleImporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portfw import --from KIND FILE [-o portfw.json]}: rules of another forwarder as a portfw config. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Turns the forwarding rules of another tool into a portfw config (stdout, or -o FILE), with a"
        + " report on stderr of what each rule became.",
        "Exit 0: everything carried over; 3: something approximated or dropped (the config is still written);"
            + " 2: the input cannot be read."})
final class ImportCommand implements Callable<Integer> {

  @Option(names = "--from", required = true, paramLabel = "KIND",
      description = "what the input is: ipmasqadm (an rc script, or ipmasqadm portfw -ln output), rinetd,"
          + " iptables (iptables-save or ip6tables-save output), nft (the JSON of nft -j list ruleset),"
          + " haproxy (an haproxy.cfg: its mode tcp sections), nginx (an nginx.conf: its stream block)")
  String from;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the config here instead of stdout")
  Path output;

  @Parameters(paramLabel = "FILE", description = "the rules to import")
  Path input;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Optional<RuleImporter> importer = Importers.of(from);
    if (importer.isEmpty()) {
      err.println("--from: unknown kind " + from + " (known: " + Importers.names() + ")");
      return ExitCodes.INVALID;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(input, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      err.println(input + ": not UTF-8 text");
      return ExitCodes.INVALID;
    } catch (IOException e) {
      err.println(input + ": cannot read it (" + e.getMessage() + ")");
      return ExitCodes.INVALID;
    }
    ConfigDraft draft = new ConfigDraft();
    ImportReport report = new ImportReport();
    try {
      importer.get().read(lines, draft, report);
    } catch (ImportException e) {
      err.println(input + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage());
      return ExitCodes.INVALID;
    }
    report.note("the backends see portfw's address as the client's, where the kernel showed them the client's own;"
        + " to keep it, set \"proxyProtocol\" on a pool whose servers read the PROXY header, or \"transparent\": true"
        + " (connections from the client's own address; needs CAP_NET_ADMIN and routing, see docs/transparent.md)");
    String json = draft.toJson();
    try {
      ConfigLoader.parse(json, "the imported config");
    } catch (ConfigException e) {
      err.print(report.render(input.toString()));
      err.println("portfw: the imported config does not load, so it is not written: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    try {
      write(json);
    } catch (IOException e) {
      err.println(output + ": cannot write it (" + e.getMessage() + ")");
      return ExitCodes.FAILURE;
    }
    err.print(report.render(input.toString()));
    err.flush();
    return report.complete() ? ExitCodes.OK : ExitCodes.PARTIAL;
  }

  private void write(String json) throws IOException {
    if (output == null) {
      spec.commandLine().getOut().print(json);
      spec.commandLine().getOut().flush();
      return;
    }
    WholeFiles.write(output, json);
  }
}
