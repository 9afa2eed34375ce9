package dev.stead.cli;

import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.ExitCodes;
import dev.stead.agent.FactCollector;
import dev.stead.agent.Progress;
import dev.stead.agent.ReportPrinter;
import dev.stead.agent.RunLock;
import dev.stead.agent.TerminalProgress;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Report;
import dev.stead.wire.Catalogs;
import dev.stead.wire.TagFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stead apply}: compile (or reuse the compiled catalog of the same inputs, see
 * {@link CompiledCatalogCache}) and converge. Deliberately free of dsl types: only
 * {@link ManifestCompile} loads the compiler, and only on a cache miss.
 */
@Command(name = "apply", description = {
    "Compile one manifest locally and converge this machine, without a master.",
    "The manifest's directory is its environment: data.yaml, data/ and modules/ there are "
        + "read as the master reads an environment's.",
    "The compiled catalog is kept in --state under a digest of the manifest, module path, "
        + "facts and stead build, and reused while they stay the same.",
    "Exit codes: 0 no change, 2 changed (noop: would change), 4 failures, 6 both, 1 could not run."})
final class ApplyCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The manifest (.groovy).")
  Path manifest;

  @Option(names = "--root", description = "Re-base every managed path under this directory (default: /).")
  Path root = Path.of("/");

  @Option(names = "--state", description = "Drift state, backups, compiled catalogs (default: ${DEFAULT-VALUE}).")
  Path state = Defaults.AGENT_STATE;

  @Option(names = "--noop", description = "Report what would change; change nothing.")
  boolean noop;

  @Option(names = "--modulepath", split = ":", description = "Module directories, colon-separated.")
  List<Path> modulePath = new ArrayList<>();

  @Option(names = "--facts", description = "Facts as a JSON object (default: this machine's facts).")
  Path facts;

  @Option(names = "--facts-dir", description = "Custom facts, as the agent reads them "
      + "(default: /etc/stead/facts.d; STATE/../facts.d with a non-default --state).")
  Path factsDir;

  @Option(names = "--certname", description = "Node name the manifest sees (default: the FQDN, as the agent's).")
  String certname;

  @Option(names = "--no-catalog-cache", description = "Always compile; neither use nor keep a compiled catalog.")
  boolean noCatalogCache;

  @Option(names = "--resource-timeout", converter = DurationConverter.class,
      description = "Fail a resource that takes longer than this (default: 300s).")
  Duration resourceTimeout = Duration.ofSeconds(300);

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(names = "--tags", paramLabel = "TAG,...", description = "Apply only the resources "
      + "with one of these tags (their untagged dependencies are not applied).")
  List<String> tags = new ArrayList<>();

  @Option(names = "--skip-tags", paramLabel = "TAG,...", description = "Leave out the "
      + "resources with any of these tags.")
  List<String> skipTags = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String node = certname != null ? certname : FactCollector.defaultCertname();
    Path stateDir = state.toAbsolutePath();
    TagFilter limit;
    try {
      limit = TagFilter.of(tags, skipTags);
    } catch (IllegalArgumentException e) {
      System.err.println("stead apply: " + e.getMessage() + "; nothing was changed");
      return 1;
    }
    if (!Files.isRegularFile(manifest)) {
      System.err.println("stead apply: manifest " + manifest.toAbsolutePath()
          + " does not exist; nothing was changed");
      return 1;
    }
    try (RunLock lock = RunLock.acquire(stateDir)) {
      Catalog catalog = catalog(node, stateDir);
      if (catalog == null) {
        System.err.println("stead apply: nothing was changed");
        return 1;
      }
      Progress progress = TerminalProgress.forConsole(System.err);
      Report report = Converger.masterless(new ConvergeOptions(root.toAbsolutePath(), stateDir,
          noop, resourceTimeout), modulePath).converge(catalog, limit, progress, null, null);
      TerminalProgress.clear(progress);
      if (json) {
        System.out.print(Catalogs.toJsonWithZeros(report));
      } else {
        ReportPrinter.print(report, System.out);
      }
      return ExitCodes.of(report);
    } catch (RunLock.BusyException e) {
      System.err.println("stead apply: " + e.getMessage());
      return 1;
    }
  }

  /** From the cache when the inputs are unchanged, else compiled (null on compile errors). */
  private Catalog catalog(String node, Path stateDir) throws Exception {
    // This machine's facts, custom facts included, collected once: the key and the compile
    // see the same ones.
    Facts machine = facts != null ? null : FactCollector.collect(node,
        AgentCommand.factsDir(factsDir, stateDir), warning -> System.err.println(
            "stead apply: " + warning), stateDir.resolve("facts"));
    if (noCatalogCache) {
      return compile(node, machine);
    }
    byte[] factBytes = facts != null ? Files.readAllBytes(facts)
        : Catalogs.deterministicBytes(FactCollector.withoutVolatile(machine));
    String key = CompiledCatalogCache.key(manifest, modulePath, node, factBytes, stateDir);
    CompiledCatalogCache cache = new CompiledCatalogCache(stateDir);
    var hit = cache.find(key);
    if (hit.isPresent()) {
      return hit.get();
    }
    Catalog catalog = compile(node, machine);
    if (catalog != null) {
      cache.store(key, catalog);
    }
    return catalog;
  }

  private Catalog compile(String node, Facts machine) throws Exception {
    ManifestCompile.Outcome outcome =
        ManifestCompile.compile(manifest, modulePath, node, facts, machine);
    outcome.warnings().forEach(w -> System.err.println("stead apply: warning: " + w));
    if (outcome.catalog() == null) {
      System.err.println(outcome.errors());
    }
    return outcome.catalog();
  }
}
