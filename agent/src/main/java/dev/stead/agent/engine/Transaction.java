package dev.stead.agent.engine;

import dev.stead.agent.Progress;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.Result;
import dev.stead.wire.ResourceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Walks a {@link ResourceGraph} in order and checks (and, unless noop, applies) each resource.
 * Guards every resource: an exception from a type is reported as that resource's failure; a
 * resource that takes longer than the timeout fails ("timed out") and the run goes on without
 * it; a failed or skipped resource skips everything that depends on it.
 *
 * <p>How the timeout works: resources run one after another on a worker thread while the
 * calling thread watches the clock. When one overruns, the watcher records the failure,
 * interrupts the worker and abandons it (Java cannot stop a thread that ignores interrupts),
 * and a fresh worker carries on with the next resource. An abandoned worker's late result is
 * dropped. There is no hand-over per resource, so the guard costs one thread per run.
 *
 * <p>Noop: when a noop result rests on a dependency that would have changed first (e.g. a file
 * whose directory does not exist yet), the outcome's note says so rather than letting the
 * result pass for what the real run would do; a refresh that would be delivered is noted too.
 * <p>Drift exceptions: a property the catalog excepts until a time still to come is observed
 * and held back, not applied ({@link ExceptedCheck}); past that time it is enforced again.
 *
 * <p>A transaction may run a subset of the graph (the daemon's watch checks only the resources
 * whose files changed): the others are neither checked nor counted, a dependency outside the
 * subset counts as satisfied, and a notifier outside it as unchanged.
 *
 * <p>One use per run; {@link #run} is called by one thread.
 */
public final class Transaction {
  /** The default per-resource time limit. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

  private final ResourceGraph graph;
  /** The resources this transaction runs, in graph order. */
  private final List<ResourceKey> order;
  private final ApplyContext context;
  private final boolean noop;
  private final long timeoutNanos;
  private final Progress progress;
  /** The run's instant on this machine's clock: which drift exceptions are in force. */
  private final long startedAtMs = System.currentTimeMillis();
  private final Map<ResourceKey, Outcome> done = new ConcurrentHashMap<>();
  /** For a failed or skipped resource: the failed resource at the root of it. */
  private final Map<ResourceKey, ResourceKey> rootCause = new ConcurrentHashMap<>();
  /** For a noop resource: the nearest dependency that would have changed before it. */
  private final Map<ResourceKey, ResourceKey> wouldChangeFirst = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  // Guarded by lock:
  private final List<Outcome> out = new ArrayList<>();
  private int position;
  private long startedNanos;
  private int generation;
  private boolean finished;
  private Throwable crash;

  public Transaction(ResourceGraph graph, ApplyContext context, boolean noop) {
    this(graph, context, noop, DEFAULT_TIMEOUT, Progress.NONE);
  }

  public Transaction(ResourceGraph graph, ApplyContext context, boolean noop, Duration timeout,
      Progress progress) {
    this(graph, null, context, noop, timeout, progress);
  }

  /**
   * Running only the resources in {@code only} (in graph order); null runs them all. Keys
   * not in the graph are ignored.
   */
  public Transaction(ResourceGraph graph, Set<ResourceKey> only, ApplyContext context,
      boolean noop, Duration timeout, Progress progress) {
    this.graph = Objects.requireNonNull(graph, "graph");
    this.order = only == null ? graph.order()
        : graph.order().stream().filter(only::contains).toList();
    this.context = Objects.requireNonNull(context, "context");
    this.noop = noop;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    this.timeoutNanos = timeout.toNanos();
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** Runs every resource once; the outcomes come in the order they ran. */
  public List<Outcome> run() {
    synchronized (lock) {
      startWorker(0);
      while (!finished) {
        long left = startedNanos + timeoutNanos - System.nanoTime();
        if (left > 0) {
          try {
            lock.wait(Math.max(1, left / 1_000_000), 0);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while converging", e);
          }
          continue;
        }
        abandonCurrent(order);
      }
      if (crash != null) {
        throw new IllegalStateException("the converge worker died: " + crash, crash);
      }
      return List.copyOf(out);
    }
  }

  /** Called with lock held when the current resource overran. */
  private void abandonCurrent(List<ResourceKey> order) {
    ResourceKey key = order.get(position);
    ResourceGraph.Node node = graph.node(key);
    String limit = timeoutNanos % 1_000_000_000L == 0 ? timeoutNanos / 1_000_000_000L + " s"
        : timeoutNanos / 1_000_000L + " ms";
    Result failed = Result.failed(Map.of(), List.of(), "timed out after " + limit
        + " and was abandoned; it may have been part-way through, check it");
    record(new Outcome(key, node.resource(), failed, noop || node.resource().getNoop(), false));
    generation++;
    worker.interrupt();
    startWorker(position + 1);
  }

  private Thread worker;

  private void startWorker(int from) {
    int myGeneration = generation;
    position = from;
    startedNanos = System.nanoTime();
    worker = new Thread(() -> work(from, myGeneration), "stead-converge-" + myGeneration);
    worker.setDaemon(true); // an abandoned, hung resource must not keep the JVM alive
    worker.start();
  }

  private void work(int from, int myGeneration) {
    try {
      for (int i = from; i < order.size(); i++) {
        ResourceKey key = order.get(i);
        synchronized (lock) {
          if (generation != myGeneration) {
            return;
          }
          position = i;
          startedNanos = System.nanoTime();
        }
        progress.starting(i, order.size(), key);
        Outcome o = runOne(key);
        synchronized (lock) {
          if (generation != myGeneration) {
            return;
          }
          record(o);
        }
        progress.finished(o);
      }
    } catch (Throwable t) {
      synchronized (lock) {
        if (generation == myGeneration) {
          crash = t;
        }
      }
    } finally {
      synchronized (lock) {
        if (generation == myGeneration) {
          finished = true;
          lock.notifyAll();
        }
      }
    }
  }

  /** Lock held. */
  private void record(Outcome o) {
    Result.Status status = o.result().status();
    if (status != Result.Status.IN_SYNC || o.refreshed()) {
      context.paths().forgetResolved(); // it may have made or removed a link on the way
    }
    if (status == Result.Status.FAILED) {
      rootCause.put(o.key(), o.key());
    }
    done.put(o.key(), o);
    out.add(o);
  }

  private Outcome runOne(ResourceKey key) {
    ResourceGraph.Node node = graph.node(key);
    boolean resourceNoop = noop || node.resource().getNoop();
    if (!node.problem().isEmpty()) {
      return new Outcome(key, node.resource(), Result.failed(Map.of(), List.of(),
          node.problem()), resourceNoop, false);
    }
    ResourceKey upstreamChange = null;
    for (ResourceKey dep : graph.dependencies(key)) {
      Outcome before = done.get(dep);
      if (before == null) {
        continue; // outside this subset: not checked now, so nothing holds this one back
      }
      Result.Status status = before.result().status();
      if (status == Result.Status.FAILED || status == Result.Status.SKIPPED) {
        ResourceKey cause = rootCause.getOrDefault(dep, dep);
        rootCause.put(key, cause);
        String message = cause.equals(dep) ? "dependency " + dep + " failed"
            : "dependency " + cause + " failed (via " + dep + ")";
        return new Outcome(key, node.resource(), Result.skipped(message), resourceNoop, false);
      }
      if (upstreamChange == null) {
        if (status == Result.Status.WOULD_CHANGE) {
          upstreamChange = dep;
        } else if (wouldChangeFirst.containsKey(dep)) {
          upstreamChange = wouldChangeFirst.get(dep);
        }
      }
    }
    Result result;
    List<Outcome.Excepted> excepted = List.of();
    try {
      Map<String, String> active = graph.exceptions().activeAt(key, startedAtMs);
      if (active.isEmpty()) {
        result = node.checkable().checkApply(context, !resourceNoop);
      } else {
        ExceptedCheck.Checked checked = ExceptedCheck.run(node.checkable(), node.resource(),
            graph.exceptions().type(key), active, context, !resourceNoop);
        result = checked.result();
        excepted = checked.excepted();
      }
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      // A bug in a type must not end the run: the resource fails, visibly.
      result = Result.failed(Map.of(), List.of(), "internal error in " + key.type() + ": " + e);
    }
    List<String> notes = new ArrayList<>();
    if (upstreamChange != null && resourceNoop) {
      wouldChangeFirst.put(key, upstreamChange);
      notes.add("noop: " + upstreamChange + " would change first; this result is checked "
          + "against the machine as it is now and may differ after that change");
    }
    boolean refreshed = false;
    if (node.checkable() instanceof Refreshable refreshable
        && result.status() != Result.Status.FAILED) {
      ResourceKey notifier = notifier(key, resourceNoop);
      if (notifier != null && resourceNoop) {
        notes.add("noop: would be refreshed, notified by " + notifier);
      } else if (notifier != null) {
        Refreshable.Refresh done;
        try {
          done = refreshable.refresh(context);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
          done = Refreshable.Refresh.failed("internal error: " + e);
        }
        if (done.succeeded()) {
          refreshed = true;
          if (!done.output().isEmpty()) {
            notes.add("refresh output: " + done.output());
          }
        } else {
          result = Result.failed(result.desired(), result.changes(),
              "refresh (notified by " + notifier + ") failed: " + done.failure());
        }
      }
    }
    return new Outcome(key, node.resource(), result, resourceNoop, refreshed,
        String.join("; ", notes), excepted);
  }

  /** The first notifier of {@code key} that changed (or, in noop, would have), else null. */
  private ResourceKey notifier(ResourceKey key, boolean noopTarget) {
    for (ResourceKey source : graph.notifiers(key)) {
      Outcome notified = done.get(source);
      if (notified == null) {
        continue; // outside this subset: it did not change in this transaction
      }
      Result.Status s = notified.result().status();
      if (s == Result.Status.CHANGED || (noopTarget && s == Result.Status.WOULD_CHANGE)) {
        return source;
      }
    }
    return null;
  }
}
