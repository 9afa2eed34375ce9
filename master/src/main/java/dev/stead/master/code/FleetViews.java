package dev.stead.master.code;

import dev.stead.dsl.FleetView;
import dev.stead.master.storage.CatalogStore;
import dev.stead.master.storage.NodeStore;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * What the compiles of each environment read of the fleet ({@link FleetView}): the exports of
 * the environment's last stored catalogs, and its nodes' facts at the paths the operator's
 * allowlist names ({@value #ALLOWLIST} in the code directory, one dotted path a line,
 * {@code #} comments; no file: no fact is readable). Only nodes holding a signed certificate
 * count: a revoked or cleaned node's exports and facts drop out at the next reload. Nothing
 * else of another node reaches a compile.
 *
 * <p>An environment's view is loaded from the store at its first use, by that request. Once it
 * is {@code maxAge} old (what other masters sharing the store wrote) it is read again in the
 * background, at most one reload per environment at a time, while requests go on with the
 * view they have; a request that finds it twice that old (an environment no request used for
 * so long) reads it again itself before it answers, so no compile reads an older view. In
 * between, what this master's own compiles produce updates it
 * at once: a node's new exports as soon as its catalog compiles, its allowed facts before its
 * compile runs. Those made while a reload runs are also kept and applied to the reloaded state
 * as it replaces the current one, so a reload that read the store before a compile stored
 * its catalog does not take the compile's exports back. Thread-safe.
 */
public final class FleetViews implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FleetViews.class.getName());
  /** The allowlist's file name in the code directory. */
  public static final String ALLOWLIST = "fleet-facts.allow";

  private final CatalogStore catalogs;
  private final NodeStore nodes;
  private final Function<String, String> environmentOf;
  private final Predicate<String> enrolled;
  private final Path allowlistFile;
  private final Duration maxAge;
  private final Clock clock;
  private final Executor reloads;
  /** The reload thread this instance made (closed with it), or null when given one. */
  private final ExecutorService ownReloads;
  private final ConcurrentMap<String, Holder> states = new ConcurrentHashMap<>();
  /** What the allowlist's last read found wrong: logged when it changes, not at every read. */
  private volatile List<String> allowlistProblems = List.of();

  /** One environment's exports and allowed facts, and the view built of them. */
  private static final class State {
    final List<String> allowed;
    final SortedMap<String, List<Resource>> exports;
    final SortedMap<String, SortedMap<String, Value>> facts;
    FleetView view;

    State(List<String> allowed, SortedMap<String, List<Resource>> exports,
        SortedMap<String, SortedMap<String, Value>> facts) {
      this.allowed = allowed;
      this.exports = exports;
      this.facts = facts;
    }
  }

  /**
   * An environment's current state, whether a reload of it runs, and what this master's
   * compiles changed since the running reload began (replayed onto the reloaded state).
   */
  private static final class Holder {
    State current;
    /**
     * When a request starts a reload in the background; {@code maxAge} later, the request
     * reloads before it answers.
     */
    Instant nextReload;
    boolean reloading;
    /** Allowed facts by node (empty map: none) since the reload began, under this allowlist. */
    final Map<String, SortedMap<String, Value>> factsSince = new HashMap<>();
    final Map<String, List<Resource>> exportsSince = new HashMap<>();

    Holder(State current, Instant nextReload) {
      this.current = current;
      this.nextReload = nextReload;
    }
  }

  /** As below, reloading on a thread of its own (a daemon, gone while idle). */
  public FleetViews(CatalogStore catalogs, NodeStore nodes, Function<String, String> environmentOf,
      Predicate<String> enrolled, Path codeDir, Duration maxAge, Clock clock) {
    this(catalogs, nodes, environmentOf, enrolled, codeDir, maxAge, clock, reloadThread(), true);
  }

  /**
   * @param environmentOf a node's environment, as the master assigns it
   * @param enrolled whether a node holds a signed certificate now
   * @param codeDir the master's code directory, which holds the allowlist
   * @param maxAge how long a view is used before it is read from the store again
   * @param reloads where the reloads after the first load run
   */
  public FleetViews(CatalogStore catalogs, NodeStore nodes, Function<String, String> environmentOf,
      Predicate<String> enrolled, Path codeDir, Duration maxAge, Clock clock,
      Executor reloads) {
    this(catalogs, nodes, environmentOf, enrolled, codeDir, maxAge, clock, reloads, false);
  }

  private FleetViews(CatalogStore catalogs, NodeStore nodes,
      Function<String, String> environmentOf, Predicate<String> enrolled,
      Path codeDir, Duration maxAge, Clock clock, Executor reloads,
      boolean own) {
    this.reloads = Objects.requireNonNull(reloads, "reloads");
    this.ownReloads = own ? (ExecutorService) reloads : null;
    this.catalogs = Objects.requireNonNull(catalogs, "catalogs");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.environmentOf = Objects.requireNonNull(environmentOf, "environmentOf");
    this.enrolled = Objects.requireNonNull(enrolled, "enrolled");
    this.allowlistFile = codeDir.resolve(ALLOWLIST);
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Stops the reload thread this instance made, waiting up to 5 s for a reload that reads the
   * store, so the store can close after it.
   */
  @Override
  public void close() {
    if (ownReloads == null) {
      return;
    }
    ownReloads.shutdownNow();
    try {
      ownReloads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ExecutorService reloadThread() {
    ThreadPoolExecutor one = new ThreadPoolExecutor(
        1, 1, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "stead-fleet-view-reload");
          t.setDaemon(true);
          return t;
        });
    one.allowCoreThreadTimeOut(true);
    return one;
  }

  /** How errors name the allowlist. */
  static String allowlistName() {
    return ALLOWLIST + " in the master's code directory";
  }

  /** What a compile in {@code environment} reads of the fleet now. */
  public FleetView of(String environment) {
    State state = state(environment);
    synchronized (state) {
      if (state.view == null) {
        FleetView.Builder b = FleetView.builder(allowlistName(), state.allowed);
        state.exports.forEach(b::exports);
        state.facts.forEach(b::facts);
        state.view = b.build();
      }
      return state.view;
    }
  }

  /** {@code node} of {@code environment} sent {@code facts}: before its compile runs. */
  public void factsSeen(String environment, String node, Facts facts) {
    Holder holder = holder(environment);
    List<String> allowlist;
    synchronized (holder) {
      allowlist = holder.current.allowed;
    }
    // Filtered outside the lock: every check-in of the environment comes here, and they
    // queued on the filtering when it ran under the lock.
    SortedMap<String, Value> filtered = allowed(allowlist, facts);
    synchronized (holder) {
      SortedMap<String, Value> kept = holder.current.allowed == allowlist ? filtered
          : allowed(holder.current.allowed, facts); // a reload read a new allowlist meanwhile
      if (holder.reloading) {
        holder.factsSince.put(node, kept);
      }
      putFacts(holder.current, node, kept);
    }
  }

  /** {@code node}'s catalog in {@code environment} now exports {@code exports}. */
  public void exportsSeen(String environment, String node, List<Resource> exports) {
    Holder holder = holder(environment);
    synchronized (holder) {
      List<Resource> copy = List.copyOf(exports);
      if (holder.reloading) {
        holder.exportsSince.put(node, copy);
      }
      putExports(holder.current, node, copy);
    }
  }

  /** Holder's lock held. */
  private static void putFacts(State state, String node, SortedMap<String, Value> kept) {
    synchronized (state) {
      SortedMap<String, Value> before = kept.isEmpty() ? state.facts.remove(node)
          : state.facts.put(node, kept);
      if (!kept.equals(before == null ? new TreeMap<>() : before)) {
        state.view = null;
      }
    }
  }

  /** Holder's lock held. */
  private static void putExports(State state, String node, List<Resource> exports) {
    synchronized (state) {
      List<Resource> before = exports.isEmpty() ? state.exports.remove(node)
          : state.exports.put(node, exports);
      if (!exports.equals(before == null ? List.of() : before)) {
        state.view = null;
      }
    }
  }

  /** {@code node} was cleaned: its exports and facts leave every environment's view now. */
  public void nodeRemoved(String node) {
    for (Holder holder : states.values()) {
      synchronized (holder) {
        if (holder.reloading) {
          // Named to the running reload, which drops it if it read it before the clean.
          holder.factsSince.put(node, new TreeMap<>());
          holder.exportsSince.put(node, List.of());
        }
        putFacts(holder.current, node, new TreeMap<>());
        putExports(holder.current, node, List.of());
      }
    }
  }

  private State state(String environment) {
    Holder holder = holder(environment);
    synchronized (holder) {
      return holder.current;
    }
  }

  /**
   * The environment's holder: loaded by this call when it is the first use or its state has
   * expired, and a reload started in the background when the state is due one and none runs.
   */
  private Holder holder(String environment) {
    Instant now = clock.instant();
    Holder holder = states.computeIfAbsent(environment,
        env -> new Holder(load(env), now.plus(maxAge)));
    boolean start;
    boolean expired;
    synchronized (holder) {
      start = !holder.reloading && !now.isBefore(holder.nextReload);
      expired = !now.isBefore(holder.nextReload.plus(maxAge));
      if (start) {
        holder.reloading = true;
        // Whether this one works or not: a failing store is not read again by every request.
        holder.nextReload = now.plus(maxAge);
      }
    }
    if (start && expired) {
      reload(environment, holder);
    } else if (start) {
      try {
        reloads.execute(() -> reload(environment, holder));
      } catch (RejectedExecutionException e) {
        synchronized (holder) {
          holder.reloading = false;
        }
      }
    }
    return holder;
  }

  /**
   * Reads the environment from the store and puts the result in place of the current state,
   * with what this master's compiles changed meanwhile applied to it.
   */
  private void reload(String environment, Holder holder) {
    State loaded;
    try {
      loaded = load(environment);
    } catch (RuntimeException e) {
      LOG.warning("cannot reload the fleet view of environment '" + environment + "' (its "
          + "compiles read the view they have until the next try): " + e);
      synchronized (holder) {
        holder.reloading = false;
      }
      return;
    }
    // A node revoked or moved to another environment since its compile stays out, as the
    // reload left it out (asked outside the lock: each is a read of the store).
    Set<String> updated = new HashSet<>();
    synchronized (holder) {
      updated.addAll(holder.factsSince.keySet());
      updated.addAll(holder.exportsSince.keySet());
    }
    Set<String> gone = new HashSet<>();
    for (String node : updated) {
      if (!enrolled.test(node) || !environment.equals(environmentOf.apply(node))) {
        gone.add(node);
      }
    }
    synchronized (holder) {
      boolean sameAllowlist = loaded.allowed.equals(holder.current.allowed);
      // Facts kept under another allowlist are not replayed: the store holds every node's
      // facts before its compile runs, so the reload read them under the new list.
      if (sameAllowlist) {
        holder.factsSince.forEach((node, kept) -> {
          if (!gone.contains(node)) {
            putFacts(loaded, node, kept);
          }
        });
      }
      holder.exportsSince.forEach((node, exports) -> {
        if (!gone.contains(node)) {
          putExports(loaded, node, exports);
        }
      });
      // The reload may have read a node that went meanwhile (cleaned, revoked, moved).
      for (String node : gone) {
        putFacts(loaded, node, new TreeMap<>());
        putExports(loaded, node, List.of());
      }
      holder.factsSince.clear();
      holder.exportsSince.clear();
      holder.current = loaded;
      holder.reloading = false;
    }
  }

  private State load(String environment) {
    List<String> allowed = readAllowlist();
    SortedMap<String, SortedMap<String, Value>> facts = new TreeMap<>();
    if (!allowed.isEmpty()) {
      for (NodeInfo n : nodes.nodes()) {
        if (!environment.equals(environmentOf.apply(n.getName()))
            || !enrolled.test(n.getName())) {
          continue;
        }
        nodes.facts(n.getName()).ifPresent(f -> {
          SortedMap<String, Value> kept = allowed(allowed, f);
          if (!kept.isEmpty()) {
            facts.put(n.getName(), kept);
          }
        });
      }
    }
    SortedMap<String, List<Resource>> exports = new TreeMap<>(catalogs.exports(environment));
    exports.keySet().removeIf(node -> !enrolled.test(node));
    return new State(allowed, exports, facts);
  }

  private static SortedMap<String, Value> allowed(List<String> allowed, Facts facts) {
    if (allowed.isEmpty()) {
      return new TreeMap<>(); // no fact is shared: nothing to build a view for
    }
    FleetView view = FleetView.builder(allowlistName(), allowed).facts("n", facts.getValuesMap())
        .build();
    return view.facts().getOrDefault("n", new TreeMap<>());
  }

  /** The allowlist's paths; a line that is no fact path is logged and left out. */
  private List<String> readAllowlist() {
    List<String> lines;
    try {
      lines = Files.readAllLines(allowlistFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      LOG.warning("cannot read " + allowlistFile + " (no fleet fact is readable meanwhile): "
          + e.getMessage());
      return List.of();
    }
    List<String> paths = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String problem = FleetView.factPathProblem(line);
      if (problem != null) {
        problems.add(allowlistFile + ":" + (i + 1) + ": " + problem + "; left out");
        continue;
      }
      paths.add(line);
    }
    if (!problems.equals(allowlistProblems)) {
      allowlistProblems = List.copyOf(problems);
      problems.forEach(LOG::warning);
    }
    return List.copyOf(paths);
  }
}
