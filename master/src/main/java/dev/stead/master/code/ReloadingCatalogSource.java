package dev.stead.master.code;

import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A {@link CatalogSource} that follows the code on disk: before a compile it checks (at most
 * once per {@code checkInterval}) whether the files under the code roots changed, and if so
 * loads a fresh source, so an edited {@code site.groovy} takes effect on the next agent run
 * without restarting the master. Compiles in flight keep the source they started with.
 * Thread-safe.
 */
public final class ReloadingCatalogSource implements CatalogSource {
  private static final Logger LOG = Logger.getLogger(ReloadingCatalogSource.class.getName());

  private final List<Path> roots;
  private final Supplier<CatalogSource> loader;
  private final Duration checkInterval;
  private final Clock clock;
  private final BeforeLoad beforeLoad;
  private volatile Loaded current;
  private volatile Instant nextCheck = Instant.MIN;

  private record Loaded(String fingerprint, CatalogSource source) {}

  /** Tells an unchanged catalog without the loaded code, while it is loading. */
  @FunctionalInterface
  public interface BeforeLoad {
    /** As {@link CatalogSource#unchanged}; false when only the loaded code can tell. */
    boolean unchanged(String node, Facts facts, String knownDigest);
  }

  /**
   * @param roots directories whose files make up the code
   * @param loader loads the code as it is now; called again after every change
   * @param checkInterval minimum time between two scans of the roots
   * @param clock time source
   */
  public ReloadingCatalogSource(List<Path> roots, Supplier<CatalogSource> loader,
      Duration checkInterval, Clock clock) {
    this(roots, loader, checkInterval, clock, null);
  }

  /**
   * As above; until the code is first loaded, {@link #unchanged} asks {@code beforeLoad}
   * (null: it waits for the load), so agents that hold their catalog are answered while a
   * starting master still loads its code.
   */
  public ReloadingCatalogSource(List<Path> roots, Supplier<CatalogSource> loader,
      Duration checkInterval, Clock clock, BeforeLoad beforeLoad) {
    this.beforeLoad = beforeLoad;
    this.roots = List.copyOf(roots);
    this.loader = Objects.requireNonNull(loader, "loader");
    this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The production source: the Stead language over {@code codeDir} and {@code modulePath}. */
  public static ReloadingCatalogSource forEnvironment(Path codeDir, List<Path> modulePath) {
    return forEnvironment(codeDir, modulePath, CompileSlots.perCore());
  }

  /** As above, compiling within {@code slots} (shared with whatever else compiles). */
  public static ReloadingCatalogSource forEnvironment(Path codeDir, List<Path> modulePath,
      CompileSlots slots) {
    List<Path> roots = new ArrayList<>();
    roots.add(codeDir);
    roots.addAll(modulePath);
    // One set of compile slots for every version of the code, so a reload cannot double them.
    return new ReloadingCatalogSource(roots,
        () -> DslCatalogSource.load(codeDir, modulePath, slots),
        Duration.ofSeconds(1), Clock.systemUTC());
  }

  @Override
  public CompileOutcome compile(String node, Facts facts) {
    return current().compile(node, facts);
  }

  /** From the loaded code (loading it, or a change, first if due), or before it loads. */
  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    if (current == null && beforeLoad != null) {
      return beforeLoad.unchanged(node, facts, knownDigest);
    }
    return current().unchanged(node, facts, knownDigest);
  }

  @Override
  public java.util.Optional<String> codeVersion() {
    return current().codeVersion();
  }

  /**
   * Loads the code now unless it is loaded (what the master does at start, in the
   * background, so the first compile finds it loaded). A compile arriving while this runs
   * waits for this load rather than loading the code a second time; if the load throws, the
   * next compile loads again and reports the failure as it would without this.
   */
  public void preload() {
    try {
      current();
    } catch (RuntimeException e) {
      LOG.warning("loading the code under " + roots + " ahead of its first compile failed: "
          + e);
    }
  }

  /** Whether the code is loaded (by a compile or {@link #preload()}), without loading it. */
  public boolean loaded() {
    return current != null;
  }

  /**
   * The loaded code. Between two scans it is read without a lock: every request of the
   * environment passes here, and they queued on the lock. Once a scan is due, requests wait
   * for it (and for a reload it starts), so a request after a change gets the changed code.
   */
  private CatalogSource current() {
    Instant due = nextCheck; // read first: a scan sets it after the code it loaded
    Loaded loaded = current;
    if (loaded != null && clock.instant().isBefore(due)) {
      return loaded.source();
    }
    return scan();
  }

  private synchronized CatalogSource scan() {
    Instant now = clock.instant();
    if (current != null && now.isBefore(nextCheck)) {
      return current.source(); // scanned while this request waited
    }
    try {
      return scanned();
    } finally {
      nextCheck = now.plus(checkInterval); // also after a failed load: not every request
    }
  }

  /** Lock held. */
  private CatalogSource scanned() {
    String fingerprint = CodeFingerprint.of(roots);
    if (current == null || !current.fingerprint().equals(fingerprint)) {
      if (current != null) {
        LOG.info("code changed under " + roots + "; reloading");
      }
      current = new Loaded(fingerprint, loader.get());
    }
    return current.source();
  }
}
