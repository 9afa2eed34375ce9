package dev.stead.master.preview;

import dev.stead.dsl.Compiler;
import dev.stead.master.code.AuditedCatalogs;
import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.code.CompileSlots;
import dev.stead.master.code.DslCatalogSource;
import dev.stead.master.code.Environments;
import dev.stead.master.fleet.Globs;
import dev.stead.master.storage.CatalogStore;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.master.storage.NodeStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.NodePreview;
import dev.stead.proto.v1.NodePreviewOutcome;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.PreviewSummary;
import dev.stead.proto.v1.ResourceDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Compiles every known node (or those matching a glob, or of one environment) with its last
 * stored facts against a code directory (or the code an environment serves now), and compares
 * each result with the catalog the node runs now (the stored one), as the node would be
 * served it: the same trusted data, and the node's mode applied. Nothing is stored or served;
 * the code is read only.
 *
 * <p>Compiles run in the master's {@link CompileSlots}, as many at once as there are slots.
 * The slots are fair, so an agent asking for its catalog during a preview waits for at most
 * one compile, never for the whole preview. Results go out one node at a time in name order,
 * a bounded number ahead, so a fleet of any size is never held in memory. Thread-safe.
 */
public final class FleetPreview {
  /** How many results per compile slot may wait to go out in order. */
  private static final int AHEAD_PER_SLOT = 8;

  private final NodeStore nodes;
  private final CatalogStore catalogs;
  private final NodeClassifications classifications;
  private final CompileSlots slots;
  private final List<Path> modulePath;
  private final Environments environments;
  private final AuditedCatalogs audited = new AuditedCatalogs();
  private final java.util.function.Function<String, dev.stead.dsl.FleetView> fleets;

  public FleetPreview(NodeStore nodes, CatalogStore catalogs,
      NodeClassifications classifications, CompileSlots slots, List<Path> modulePath,
      Environments environments) {
    this(nodes, catalogs, classifications, slots, modulePath, environments,
        environment -> dev.stead.dsl.FleetView.NONE);
  }

  /**
   * As above, each node compiled with {@code fleets.apply(its environment)} as what its
   * {@code collect} and {@code fleetFacts} read, as its agent's compile would.
   */
  public FleetPreview(NodeStore nodes, CatalogStore catalogs,
      NodeClassifications classifications, CompileSlots slots, List<Path> modulePath,
      Environments environments, java.util.function.Function<String, dev.stead.dsl.FleetView> fleets) {
    this.fleets = Objects.requireNonNull(fleets, "fleets");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.catalogs = Objects.requireNonNull(catalogs, "catalogs");
    this.classifications = Objects.requireNonNull(classifications, "classifications");
    this.slots = Objects.requireNonNull(slots, "slots");
    this.modulePath = List.copyOf(modulePath);
    this.environments = Objects.requireNonNull(environments, "environments");
  }

  /** As {@link #run(PreviewTarget, String, Consumer, BooleanSupplier)}: every node, DIR. */
  public PreviewSummary run(Path codeDir, String glob, Consumer<PreviewEvent> out,
      BooleanSupplier cancelled) throws InterruptedException {
    return run(PreviewTarget.code(codeDir), glob, out, cancelled);
  }

  /**
   * Previews {@code target} for its nodes matching {@code glob} (empty: all), handing each
   * node's result and then the summary to {@code out}, and stops early once
   * {@code cancelled} says so.
   *
   * @throws IllegalArgumentException when the code directory is not a directory, or the
   *     environment does not exist on the master
   */
  public PreviewSummary run(PreviewTarget target, String glob, Consumer<PreviewEvent> out,
      BooleanSupplier cancelled) throws InterruptedException {
    Path codeDir = codeOf(target);
    long start = System.nanoTime();
    String environment = target.environment();
    CatalogSource source = DslCatalogSource.load(codeDir,
        environment.isEmpty() ? null : environment, modulePath, slots,
        Compiler.DEFAULT_TIME_LIMIT, node -> fleets.apply(classifications.environment(node)));
    Pattern matching = Globs.compile(glob);
    CommonChanges summary = new CommonChanges();
    int width = slots.size();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(width, r -> {
      Thread t = new Thread(r, "stead-preview-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      ArrayDeque<Future<NodePreview>> ahead = new ArrayDeque<>();
      for (NodeInfo node : nodes.nodes()) {
        if (cancelled.getAsBoolean()) {
          break;
        }
        if (!matching.matcher(node.getName()).matches() || !environment.isEmpty()
            && !environment.equals(classifications.environment(node.getName()))) {
          continue;
        }
        ahead.add(pool.submit(() -> preview(source, node.getName())));
        if (ahead.size() >= width * AHEAD_PER_SLOT) {
          emit(ahead.poll(), summary, out);
        }
      }
      while (!ahead.isEmpty() && !cancelled.getAsBoolean()) {
        emit(ahead.poll(), summary, out);
      }
    } finally {
      pool.shutdownNow();
    }
    PreviewSummary done = summary.summary((System.nanoTime() - start) / 1_000_000).toBuilder()
        .setCodeDirectory(codeDir.toString()).setEnvironment(environment).build();
    out.accept(PreviewEvent.newBuilder().setSummary(done).build());
    return done;
  }

  /**
   * Checks that {@code target} can be previewed now, as {@link #run} would at its start.
   *
   * @throws IllegalArgumentException when the code directory is not a directory, or the
   *     environment does not exist on the master
   */
  public void check(PreviewTarget target) {
    codeOf(target);
  }

  /** The directory to compile: the one given, or the release the environment serves now. */
  private Path codeOf(PreviewTarget target) {
    if (target.codeDirectory().isPresent()) {
      Path dir = target.codeDirectory().get();
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("no directory " + dir + " on the master's machine");
      }
      return dir;
    }
    Path dir = environments.directory(target.environment()).orElseThrow(() ->
        new IllegalArgumentException("the master serves no environment '"
            + target.environment() + "': there is no directory " + environments.codeDir()
                .resolve(Environments.DIRECTORY).resolve(target.environment())));
    try {
      // A deploy may swap the link meanwhile: the whole preview reads one release.
      return dir.toRealPath();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read environment '" + target.environment()
          + "' at " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void emit(Future<NodePreview> next, CommonChanges summary,
      Consumer<PreviewEvent> out) throws InterruptedException {
    NodePreview preview;
    try {
      preview = next.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("previewing a node failed", e.getCause());
    }
    summary.add(preview);
    out.accept(PreviewEvent.newBuilder().setNode(preview).build());
  }

  /** One node: compiled as it would be served, compared with what it runs now. */
  NodePreview preview(CatalogSource source, String node) {
    NodePreview.Builder result = NodePreview.newBuilder().setNode(node);
    Optional<Facts> facts = nodes.facts(node);
    if (facts.isEmpty()) {
      return result.setOutcome(NodePreviewOutcome.PREVIEW_NO_FACTS).build();
    }
    CompileOutcome outcome = source.compile(node, facts.get());
    if (outcome instanceof CompileOutcome.Failed failed) {
      return result.setOutcome(NodePreviewOutcome.PREVIEW_FAILED).addAllErrors(failed.errors())
          .build();
    }
    Catalog next = audited.serve(((CompileOutcome.Compiled) outcome).catalog(),
        classifications.mode(node));
    Optional<Catalog> current = catalogs.catalog(node);
    List<ResourceDiff> diffs = CatalogDiff.between(
        current.orElse(Catalog.getDefaultInstance()), next);
    return result.setOutcome(diffs.isEmpty() ? NodePreviewOutcome.PREVIEW_UNCHANGED
            : NodePreviewOutcome.PREVIEW_CHANGED)
        .addAllResources(diffs).setNoCurrentCatalog(current.isEmpty()).build();
  }
}
