package dev.stead.agent;

import dev.stead.agent.engine.DriftState;
import dev.stead.agent.engine.Outcome;
import dev.stead.agent.engine.Progress;
import dev.stead.agent.engine.ReportAssembler;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.engine.Transaction;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;

/**
 * Converges one catalog: orders its resources, checks and (unless noop) applies each, tells
 * drift from intended changes against the state the last real run left, records the new
 * state (not in noop) and returns the report. Used by {@code stead apply} and by
 * {@link AgentRun}. Not thread-safe: one converge at a time per state directory.
 */
public final class Converger {
  private final ConvergeOptions options;
  private final ResourceTypeRegistry registry;

  public Converger(ConvergeOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.registry = ResourceTypeRegistry.standard();
  }

  /**
   * Never throws for trouble with resources: those are failures in the report. When the run
   * cannot start (the root is missing, the state directory is not writable) the report has
   * {@code error} set and the machine is untouched.
   *
   * @throws UncheckedIOException only when the new state cannot be saved after the run
   */
  public Report converge(Catalog catalog) {
    return converge(catalog, Progress.NONE);
  }

  /** As {@link #converge(Catalog)}, telling {@code progress} about each resource. */
  public Report converge(Catalog catalog, Progress progress) {
    return converge(catalog, progress, dev.stead.agent.secrets.NodeSecrets.none());
  }

  /** As {@link #converge(Catalog, Progress)}, opening secrets with {@code secrets}. */
  public Report converge(Catalog catalog, Progress progress,
      dev.stead.agent.secrets.NodeSecrets secrets) {
    long startedAt = System.currentTimeMillis();
    long start = System.nanoTime();
    RootedPaths paths;
    try {
      paths = new RootedPaths(options.root());
    } catch (IOException e) {
      return RunReports.couldNotRun(catalog.getNode(), "root directory " + options.root()
          + " is not usable: " + IoMessages.describe(e), options.noop(), catalog);
    }
    try {
      Files.createDirectories(options.stateFile().getParent());
      Files.createDirectories(options.backupDir());
    } catch (IOException e) {
      return RunReports.couldNotRun(catalog.getNode(), "state directory " + options.stateDir()
          + " is not usable: " + IoMessages.describe(e), options.noop(), catalog);
    }
    DriftState previous = DriftState.load(options.stateFile());
    ResourceGraph graph = ResourceGraph.build(catalog,
        dev.stead.agent.secrets.SecretTypes.wrap(registry, secrets));
    ApplyContext context = new ApplyContext(paths, new BackupStore(options.backupDir()));
    List<Outcome> outcomes = new Transaction(graph, context, options.noop(),
        options.resourceTimeout(), progress).run();
    double seconds = (System.nanoTime() - start) / 1e9;
    Report report = ReportAssembler.assemble(catalog, outcomes, previous, options.noop(),
        startedAt, seconds);
    if (!options.noop()) {
      try {
        previous.after(outcomes).save(options.stateFile(), catalog.getDigest());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the agent state in "
            + options.stateFile() + ": " + IoMessages.describe(e), e);
      }
    }
    return report;
  }
}
