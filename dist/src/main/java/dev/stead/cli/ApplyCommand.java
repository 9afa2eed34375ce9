package dev.stead.cli;

import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.ExitCodes;
import dev.stead.agent.ReportPrinter;
import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apply", description = {
    "Compile one manifest locally and converge this machine, without a master.",
    "Exit codes: 0 no change, 2 changed (noop: would change), 4 failures, 6 both, 1 could not run."})
final class ApplyCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The manifest (.groovy).")
  Path manifest;

  @Option(names = "--root", description = "Re-base every managed path under this directory (default: /).")
  Path root = Path.of("/");

  @Option(names = "--state", description = "Drift state and backups (default: ${DEFAULT-VALUE}).")
  Path state = Defaults.AGENT_STATE;

  @Option(names = "--noop", description = "Report what would change; change nothing.")
  boolean noop;

  @Option(names = "--modulepath", split = ":", description = "Module directories, colon-separated.")
  List<Path> modulePath = new ArrayList<>();

  @Option(names = "--facts", description = "Facts as a JSON object (default: this machine's facts).")
  Path facts;

  @Option(names = "--certname", description = "Node name the manifest sees (default: the FQDN).")
  String certname;

  @Override
  public Integer call() throws Exception {
    String node = certname != null ? certname
        : InetAddress.getLocalHost().getCanonicalHostName().toLowerCase(Locale.ROOT);
    Catalog catalog;
    try {
      catalog = Compiler.forManifest(manifest, modulePath).compile(node, FactsFile.load(facts, node));
    } catch (CompileException e) {
      System.err.println(e.getMessage());
      System.err.println("stead apply: nothing was changed");
      return 1;
    }
    Report report = new Converger(new ConvergeOptions(root.toAbsolutePath(),
        state.toAbsolutePath(), noop)).converge(catalog);
    ReportPrinter.print(report, System.out);
    return ExitCodes.of(report);
  }
}
