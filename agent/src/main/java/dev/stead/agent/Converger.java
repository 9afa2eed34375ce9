package dev.stead.agent;

import dev.stead.agent.report.RunReports;
import dev.stead.agent.engine.ConvergePlan;
import dev.stead.agent.engine.DigestMemo;
import dev.stead.agent.engine.DriftState;
import dev.stead.agent.engine.Outcome;
import dev.stead.agent.engine.ReportAssembler;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.engine.TempSweep;
import dev.stead.agent.engine.Transaction;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.agent.resource.file.FileSource;
import dev.stead.agent.resource.file.LocalFileSource;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.agent.secrets.SecretTypes;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.RunSyncs;
import dev.stead.wire.TagFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.Set;

/**
 * Converges one catalog: orders its resources, checks and (unless noop) applies each, tells
 * drift from intended changes against the state the last real run left, records the new
 * state (not in noop) and returns the report. Used by {@code stead apply} and by
 * {@link AgentRun}. Not thread-safe: one converge at a time per state directory.
 *
 * <p>A catalog in audit mode ({@code mode: AUDIT}, set by the master for a node the operator
 * audits) converges in noop whatever {@link ConvergeOptions#noop()} says, and its report says
 * {@code mode: AUDIT}.
 *
 * <p>A converger that runs many times (the daemon) keeps the {@link ConvergePlan} of its last
 * catalog and runs it again when the next catalog has the same digest (and, if the catalog
 * holds secrets, comes with the same {@link NodeSecrets} instance): binding and ordering are
 * then skipped. The digest must be the catalog's true digest (a sealed, verified catalog).
 *
 * <p>The first real (not noop) converge of a catalog also removes temporary files a killed
 * run left behind ({@link TempSweep}): those older than this converge's start, beside the
 * files the catalog writes and in the state directory. That is safe only while no other run
 * writes there: callers hold the run lock ({@code stead agent} and {@code stead apply} do).
 */
public final class Converger {
  private final ConvergeOptions options;
  private final ResourceTypeRegistry registry;
  /** Where {@code file} sources come from unless a converge names its own. */
  private final FileSource files;
  private ConvergePlan plan;
  private NodeSecrets planSecrets;
  /** Whether the digest memo in the state directory already holds this plan's digests. */
  private boolean planMemoSaved;
  /** The catalog whose places were last swept for stale temporary files; null: none yet. */
  private String sweptDigest;
  private List<Path> swept = List.of();
  /** Told about each resource that finished, in every converge (the daemon's watch). */
  private Consumer<Outcome> finished = o -> { };

  public Converger(ConvergeOptions options) {
    this(options, FileSource.NONE);
  }

  /** Fetching {@code file} sources from {@code files} (module directories for stead apply). */
  public Converger(ConvergeOptions options, FileSource files) {
    this.options = Objects.requireNonNull(options, "options");
    this.files = Objects.requireNonNull(files, "files");
    this.registry = ResourceTypeRegistry.standard();
  }

  /**
   * A converger for {@code stead apply}, with no master: {@code file} sources are read from
   * the module directories the manifest compiled with.
   */
  public static Converger masterless(ConvergeOptions options, List<Path> modulePath) {
    return new Converger(options, new LocalFileSource(modulePath));
  }

  /**
   * Never throws for trouble with resources: those are failures in the report. When the run
   * cannot start (the root is missing, the state directory is not writable) the report has
   * {@code error} set and the machine is untouched.
   *
   * @throws UncheckedIOException only when the new state cannot be saved after the run, or the
   *     directories the run changed cannot be synced
   */
  public Report converge(Catalog catalog) {
    return converge(catalog, Progress.NONE);
  }

  /**
   * As {@link #converge(Catalog)}, telling {@code progress} about each resource. Without
   * secrets to open: a resource with a secret fails, saying so ({@link NodeSecrets#none()}).
   */
  public Report converge(Catalog catalog, Progress progress) {
    return run(catalog, progress, null, files, null);
  }

  /** As {@link #converge(Catalog, Progress)}, opening secrets with {@code secrets}. */
  public Report converge(Catalog catalog, Progress progress, NodeSecrets secrets) {
    return run(catalog, progress, Objects.requireNonNull(secrets, "secrets"), files, null);
  }

  /**
   * As above, fetching {@code file} sources from {@code runFiles} (the agent's channel to the
   * master, which may differ from one run to the next).
   */
  public Report converge(Catalog catalog, Progress progress, NodeSecrets secrets,
      FileSource runFiles) {
    return run(catalog, progress, Objects.requireNonNull(secrets, "secrets"),
        Objects.requireNonNull(runFiles, "runFiles"), null);
  }

  /**
   * As above, checking only the resources in {@code only} (the daemon's watch: those whose
   * files changed). The report counts just those; the drift state keeps every other
   * resource's record as it was; nothing else of the catalog is looked at.
   */
  public Report convergeOnly(Catalog catalog, Set<ResourceKey> only, Progress progress,
      NodeSecrets secrets, FileSource runFiles) {
    return run(catalog, progress, Objects.requireNonNull(secrets, "secrets"),
        Objects.requireNonNull(runFiles, "runFiles"), Set.copyOf(only));
  }

  /**
   * As {@link #converge(Catalog, Progress, NodeSecrets, FileSource)} limited by {@code tags}
   * ({@code --tags}, {@code --skip-tags}): only the resources they select are checked, as by
   * {@link #convergeOnly} (a dependency left out counts as satisfied, the drift state of the
   * others stays as it was), and the report records the limit so that the master does not
   * take the run for the node's standing. Without a limit, a plain converge.
   *
   * @param runFiles where sources come from; null for this converger's own
   */
  public Report converge(Catalog catalog, TagFilter tags, Progress progress,
      NodeSecrets secrets, FileSource runFiles) {
    FileSource sources = runFiles != null ? runFiles : files;
    if (!tags.limits()) {
      return run(catalog, progress, secrets, sources, null);
    }
    return run(catalog, progress, secrets, sources, tags.select(catalog)).toBuilder()
        .setTagLimit(tags.toProto()).build();
  }

  /**
   * Tells {@code listener} about each resource as it finishes, in every later converge, on the
   * converging thread (the daemon's watch records what the agent itself wrote, the moment it
   * wrote it). It must be quick and must not throw.
   */
  public void onFinished(Consumer<Outcome> listener) {
    this.finished = Objects.requireNonNull(listener, "listener");
  }

  /**
   * The graph of the last catalog converged, or null before the first converge: the daemon
   * derives the paths it watches from it.
   */
  public ResourceGraph graph() {
    return plan == null ? null : plan.graph();
  }

  /** {@code secrets} null: none; {@code only} null: every resource. */
  private Report run(Catalog catalog, Progress progress, NodeSecrets secrets,
      FileSource runFiles, Set<ResourceKey> only) {
    // The operator's audit mode travels in the catalog: it adds noop whatever the options say.
    boolean audit = catalog.getMode() == Mode.AUDIT;
    return run(catalog, progress, secrets, runFiles, only, options.noop() || audit,
        audit ? Mode.AUDIT : Mode.ENFORCE);
  }

  private Report run(Catalog catalog, Progress progress, NodeSecrets secrets,
      FileSource runFiles, Set<ResourceKey> only, boolean noop, Mode mode) {
    long startedAt = System.currentTimeMillis();
    long start = System.nanoTime();
    RootedPaths paths;
    try {
      paths = new RootedPaths(options.root());
    } catch (IOException e) {
      return RunReports.couldNotRun(catalog.getNode(), "root directory " + options.root()
          + " is not usable: " + IoMessages.describe(e), noop, catalog);
    }
    try {
      Files.createDirectories(options.stateFile().getParent());
      Files.createDirectories(options.backupDir());
    } catch (IOException e) {
      return RunReports.couldNotRun(catalog.getNode(), "state directory " + options.stateDir()
          + " is not usable: " + IoMessages.describe(e), noop, catalog);
    }
    DriftState previous = DriftState.load(options.stateFile());
    ConvergePlan current = plan(catalog, secrets);
    ApplyContext base = new ApplyContext(paths, new BackupStore(options.backupDir()));
    // Directory syncs wait for the end of the run: one per directory, not one per file.
    RunSyncs syncs = RunSyncs.deferred();
    ApplyContext context = new ApplyContext(base.paths(), base.backups(), base.host(),
        base.memo(), runFiles, syncs);
    swept = List.of();
    if (!noop && only == null && !catalog.getDigest().equals(sweptDigest)) {
      swept = TempSweep.sweep(catalog, context, options.stateDir(),
          FileTime.fromMillis(startedAt));
      sweptDigest = catalog.getDigest();
    }
    Consumer<Outcome> listener = finished;
    Progress told = new Progress() {
      @Override
      public void starting(int done, int total, ResourceKey next) {
        progress.starting(done, total, next);
      }

      @Override
      public void finished(Outcome outcome) {
        progress.finished(outcome);
        listener.accept(outcome);
      }
    };
    List<Outcome> outcomes = new Transaction(current.graph(), only, context, noop,
        options.resourceTimeout(), told).run();
    try {
      syncs.syncAll();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync the directories this run changed: "
          + IoMessages.describe(e), e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Report report = ReportAssembler.assemble(catalog, outcomes, previous, noop,
        startedAt, seconds);
    if (!noop) {
      try {
        if (only == null) {
          previous.saveAfter(outcomes, options.stateFile(), catalog.getDigest());
        } else {
          previous.saveAfterSome(outcomes, options.stateFile(), catalog.getDigest());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the agent state in "
            + options.stateFile() + ": " + IoMessages.describe(e), e);
      }
    }
    if (!noop && !planMemoSaved) {
      try {
        DigestMemo.save(options.digestMemoFile(), catalog.getDigest(), current.graph());
        planMemoSaved = true;
      } catch (IOException e) {
        // only a cache: the next run hashes the content again
      }
    }
    return report.toBuilder().setMode(mode).build();
  }

  /** The stale temporary files the last converge removed (usually none). */
  public List<Path> removedTemps() {
    return swept;
  }

  /** The last plan when it fits this catalog (and secrets), else a new one, kept. */
  private ConvergePlan plan(Catalog catalog, NodeSecrets secrets) {
    if (plan != null && plan.fits(catalog.getDigest())
        && (!plan.hasSecrets() || secrets == planSecrets)) {
      return plan;
    }
    boolean hasSecrets = hasSecrets(catalog);
    // Without secrets the secret-aware wrapper passes every resource through unchanged, so it
    // is left out: it costs a copy per type and loads the secrets code, whose BouncyCastle
    // references make the JVM open and verify the signed BouncyCastle jars (~50 ms).
    ResourceTypeRegistry types = !hasSecrets ? registry
        : SecretTypes.wrap(registry, secrets != null ? secrets : NodeSecrets.none());
    plan = ConvergePlan.prepare(catalog, types, hasSecrets);
    planSecrets = secrets;
    planMemoSaved = DigestMemo.seed(options.digestMemoFile(), catalog.getDigest(), plan.graph());
    return plan;
  }

  /** True when some parameter, or a list or map item in one, is a secret. */
  static boolean hasSecrets(Catalog catalog) {
    for (Resource r : catalog.getResourcesList()) {
      for (Value v : r.getParametersMap().values()) {
        if (isOrHoldsSecret(v)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isOrHoldsSecret(Value v) {
    switch (v.getKindCase()) {
      case SECRET_VALUE:
        return true;
      case LIST_VALUE:
        for (Value item : v.getListValue().getValuesList()) {
          if (isOrHoldsSecret(item)) {
            return true;
          }
        }
        return false;
      case MAP_VALUE:
        for (Value item : v.getMapValue().getEntriesMap().values()) {
          if (isOrHoldsSecret(item)) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }
}
