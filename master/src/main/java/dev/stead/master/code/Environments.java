package dev.stead.master.code;

import dev.stead.dsl.CodeCache;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.DigestMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The environments one master serves from its code directory {@code CODE}: each
 * {@code CODE/environments/NAME} (its own {@code site.groovy}, {@code modules/} and
 * {@code data/}), and {@code production}, while {@code CODE/environments/production} does not
 * exist, from {@code CODE} itself (the single layout). Which environment a node gets is not
 * decided here: the master's classification of the node says.
 *
 * <p>An environment is loaded at its first compile (or ahead of it, by {@link #preload()})
 * and reloaded when its files change (as
 * {@link ReloadingCatalogSource} does); every environment shares one set of compile slots, so
 * more environments never mean more compiles at once. An environment directory may be a
 * symbolic link (what {@code stead code deploy} swaps): each load reads the release the link
 * points at then, so one compiler never mixes files of two releases. Thread-safe.
 */
public final class Environments {
  /** The environment of a node the operator assigned none. */
  public static final String PRODUCTION = "production";
  /** The directory under the code directory that holds one directory per environment. */
  public static final String DIRECTORY = "environments";
  /** Lower-case letters, digits, {@code _} and {@code -}: a directory name, never a path. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(Environments.class.getName());

  private final Path codeDir;
  private final List<Path> modulePath;
  private final CompileSlots slots;
  private final Duration checkInterval;
  private final Clock clock;
  private final ConcurrentMap<Path, CatalogSource> loaded = new ConcurrentHashMap<>();
  private final java.util.function.Function<String, dev.stead.dsl.FleetView> fleets;
  private final CodeCache codeCache;
  private final DigestMemory digestMemory;

  public Environments(Path codeDir, List<Path> modulePath, CompileSlots slots,
      Duration checkInterval, Clock clock) {
    this(codeDir, modulePath, slots, checkInterval, clock,
        env -> dev.stead.dsl.FleetView.NONE);
  }

  /**
   * As above, each environment's compiles reading {@code fleets.apply(environment)} of the
   * fleet ({@code collect}, {@code fleetFacts}).
   */
  public Environments(Path codeDir, List<Path> modulePath, CompileSlots slots,
      Duration checkInterval, Clock clock,
      java.util.function.Function<String, dev.stead.dsl.FleetView> fleets) {
    this(codeDir, modulePath, slots, checkInterval, clock, fleets, CodeCache.NONE);
  }

  /** As above, each load keeping its compiled classes in {@code codeCache} for the next. */
  public Environments(Path codeDir, List<Path> modulePath, CompileSlots slots,
      Duration checkInterval, Clock clock,
      java.util.function.Function<String, dev.stead.dsl.FleetView> fleets, CodeCache codeCache) {
    this(codeDir, modulePath, slots, checkInterval, clock, fleets, codeCache, DigestMemory.NONE);
  }

  /**
   * As above, each compile cache keeping its nodes' compile memos in {@code digestMemory}, so
   * an unchanged catalog is known without a compile after a restart.
   */
  public Environments(Path codeDir, List<Path> modulePath, CompileSlots slots,
      Duration checkInterval, Clock clock,
      java.util.function.Function<String, dev.stead.dsl.FleetView> fleets, CodeCache codeCache,
      DigestMemory digestMemory) {
    this.digestMemory = Objects.requireNonNull(digestMemory, "digestMemory");
    this.codeCache = Objects.requireNonNull(codeCache, "codeCache");
    this.fleets = Objects.requireNonNull(fleets, "fleets");
    this.codeDir = codeDir.toAbsolutePath().normalize();
    this.modulePath = modulePath.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.slots = Objects.requireNonNull(slots, "slots");
    this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The master's environments: one compile slot per core, changes seen within a second. */
  public static Environments of(Path codeDir, List<Path> modulePath) {
    return of(codeDir, modulePath, CompileSlots.perCore());
  }

  /** As {@link #of(Path, List)}, compiling in {@code slots} (shared with previews). */
  public static Environments of(Path codeDir, List<Path> modulePath, CompileSlots slots) {
    return new Environments(codeDir, modulePath, slots, Duration.ofSeconds(1),
        Clock.systemUTC());
  }

  /** As {@link #of(Path, List, CompileSlots)}, compiles reading the fleet from {@code fleets}. */
  public static Environments of(Path codeDir, List<Path> modulePath, CompileSlots slots,
      FleetViews fleets) {
    return of(codeDir, modulePath, slots, fleets, CodeCache.NONE);
  }

  /** As above, each load keeping its compiled classes in {@code codeCache} for the next. */
  public static Environments of(Path codeDir, List<Path> modulePath, CompileSlots slots,
      FleetViews fleets, CodeCache codeCache) {
    return of(codeDir, modulePath, slots, fleets, codeCache, DigestMemory.NONE);
  }

  /** As above, the nodes' compile memos kept in {@code digestMemory}. */
  public static Environments of(Path codeDir, List<Path> modulePath, CompileSlots slots,
      FleetViews fleets, CodeCache codeCache, DigestMemory digestMemory) {
    return new Environments(codeDir, modulePath, slots, Duration.ofSeconds(1),
        Clock.systemUTC(), fleets::of, codeCache, digestMemory);
  }

  /** Null when {@code name} is a valid environment name, else why not. */
  public static String nameProblem(String name) {
    if (NAME.matcher(name).matches()) {
      return null;
    }
    return "an environment name is 1 to 64 lower-case letters, digits, '_' or '-', starting"
        + " with a letter or digit; got '" + printable(name) + "'";
  }

  /** The code directory the environments live in. */
  public Path codeDir() {
    return codeDir;
  }

  /** The directory {@code environment} is served from, when it exists. */
  public Optional<Path> directory(String environment) {
    if (nameProblem(environment) != null) {
      return Optional.empty();
    }
    Path own = codeDir.resolve(DIRECTORY).resolve(environment);
    if (Files.isDirectory(own)) {
      return Optional.of(own);
    }
    if (environment.equals(PRODUCTION) && Files.isDirectory(codeDir)) {
      return Optional.of(codeDir);
    }
    return Optional.empty();
  }

  /**
   * What compiles {@code environment}'s catalogs; when it does not exist, a source whose
   * every compile fails naming the environment and the directory looked in.
   */
  public CatalogSource source(String environment) {
    Optional<Path> dir = directory(environment);
    if (dir.isEmpty()) {
      CompileOutcome missing = CompileOutcome.failed("", missing(environment));
      return (node, facts) -> missing;
    }
    return loaded.computeIfAbsent(dir.get(), d -> reloading(environment, d));
  }

  /**
   * What compiles {@code environment}'s catalogs from {@code release}, a frozen copy of its
   * code (a rollout's): loaded at its first compile and never reloaded, as it never changes.
   */
  public CatalogSource release(String environment, Path release) {
    return loaded.computeIfAbsent(release.toAbsolutePath().normalize(),
        d -> DslCatalogSource.load(d, environment, modulePath, slots,
            Compiler.DEFAULT_TIME_LIMIT, node -> fleets.apply(environment), codeCache,
            digestMemory));
  }

  /**
   * The code version {@code environment}'s own directory is served in now, as its loaded
   * compiler has it (checked for changes at most once per check interval, as for compiles);
   * empty when the environment does not exist or its code does not load.
   */
  public Optional<String> codeVersion(String environment) {
    return source(environment).codeVersion();
  }

  /**
   * Starts loading every environment's code in the background ({@code production} and each
   * {@code CODE/environments/NAME}) and returns at once: what the master does at start, so
   * the first node's catalog does not wait for the code to load. A compile of an environment
   * whose load is running waits for that load; a code that does not load fails its compiles
   * as it would without this. Names that are not valid environment names are skipped.
   */
  public void preload() {
    List<String> names = new ArrayList<>();
    names.add(PRODUCTION);
    try (java.util.stream.Stream<Path> dirs = Files.list(codeDir.resolve(DIRECTORY))) {
      dirs.map(d -> d.getFileName().toString())
          .filter(n -> nameProblem(n) == null && !n.equals(PRODUCTION))
          .sorted().forEach(names::add);
    } catch (IOException e) {
      // No environments directory (the single layout) or unreadable: production only.
    }
    // One thread, one environment after another: loads compete with the start for the cores.
    Thread loading = new Thread(() -> {
      for (String name : names) {
        if (directory(name).isPresent() && source(name) instanceof ReloadingCatalogSource r) {
          long started = System.nanoTime();
          r.preload();
          LOG.info("environment " + name + ": code loaded ahead of the first compile in "
              + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
      }
    }, "code-preload");
    loading.setDaemon(true);
    loading.start();
  }

  /** Whether {@code environment}'s code is loaded now, without loading it. */
  public boolean loaded(String environment) {
    return directory(environment).map(d -> loaded.get(d))
        .map(s -> !(s instanceof ReloadingCatalogSource r) || r.loaded()).orElse(false);
  }

  /** Drops the loaded frozen copy {@code release} (deleted: it is never served again). */
  public void unload(Path release) {
    loaded.remove(release.toAbsolutePath().normalize());
  }

  /** Module directories of the frozen copy {@code release}, in the compiler's order. */
  public List<Path> releaseModuleRoots(Path release) {
    List<Path> roots = new ArrayList<>();
    roots.add(release.resolve("modules"));
    roots.addAll(modulePath);
    return roots;
  }

  /** Module directories of {@code environment} in the compiler's order (empty: none). */
  public List<Path> moduleRoots(String environment) {
    Optional<Path> dir = directory(environment);
    if (dir.isEmpty()) {
      return List.of();
    }
    List<Path> roots = new ArrayList<>();
    roots.add(dir.get().resolve("modules"));
    roots.addAll(modulePath);
    return roots;
  }

  /**
   * Where the files a catalog of {@code environment} names are found: the environment, then
   * each module path entry (only the module path when the environment does not exist).
   */
  public List<Path> codeRoots(String environment) {
    List<Path> roots = new ArrayList<>();
    directory(environment).ifPresent(roots::add);
    roots.addAll(modulePath);
    return roots;
  }

  private CatalogSource reloading(String environment, Path dir) {
    List<Path> roots = new ArrayList<>();
    roots.add(dir);
    roots.addAll(modulePath);
    // Until the code is loaded, agents holding their catalog are answered from the memos.
    MemoAnswers beforeLoad = digestMemory == DigestMemory.NONE ? null
        : new MemoAnswers(environment,
            () -> DslCatalogSource.codeRoots(release(dir), modulePath), digestMemory,
            () -> fleets.apply(environment), checkInterval, clock);
    return new ReloadingCatalogSource(roots,
        () -> DslCatalogSource.load(release(dir), environment, modulePath, slots,
            Compiler.DEFAULT_TIME_LIMIT, node -> fleets.apply(environment), codeCache,
            digestMemory),
        checkInterval, clock, beforeLoad);
  }

  /** Where {@code dir} points now: a deploy may swap the link while this load reads. */
  private static Path release(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir; // gone meanwhile: the load reports the missing site.groovy
    }
  }

  private String missing(String environment) {
    String problem = nameProblem(environment);
    if (problem != null) {
      return "this node's environment is not valid: " + problem;
    }
    return "environment '" + environment + "', which the master assigns to this node, does"
        + " not exist: there is no directory " + codeDir.resolve(DIRECTORY).resolve(environment)
        + " (deploy it, or assign another environment with `stead node set NODE"
        + " environment=NAME`)";
  }

  private static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
