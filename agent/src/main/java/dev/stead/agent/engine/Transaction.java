package dev.stead.agent.engine;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.Result;
import dev.stead.wire.ResourceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a {@link ResourceGraph} in order and checks (and, unless noop, applies) each resource.
 * Guards every resource: an exception from a type is reported as that resource's failure;
 * a failed or skipped resource skips everything that depends on it; the run goes on.
 * One use per run; not thread-safe.
 */
public final class Transaction {
  private final ResourceGraph graph;
  private final ApplyContext context;
  private final boolean noop;
  private final Map<ResourceKey, Outcome> done = new HashMap<>();
  /** For a failed or skipped resource: the failed resource at the root of it. */
  private final Map<ResourceKey, ResourceKey> rootCause = new HashMap<>();

  public Transaction(ResourceGraph graph, ApplyContext context, boolean noop) {
    this.graph = graph;
    this.context = context;
    this.noop = noop;
  }

  /** Runs every resource once; the outcomes come in the order they ran. */
  public List<Outcome> run() {
    List<Outcome> out = new ArrayList<>();
    for (ResourceKey key : graph.order()) {
      Outcome o = runOne(key);
      done.put(key, o);
      out.add(o);
    }
    return out;
  }

  private Outcome runOne(ResourceKey key) {
    ResourceGraph.Node node = graph.node(key);
    boolean resourceNoop = noop || node.resource().getNoop();
    if (!node.problem().isEmpty()) {
      rootCause.put(key, key);
      return new Outcome(key, node.resource(), Result.failed(Map.of(), List.of(),
          node.problem()), resourceNoop, false);
    }
    for (ResourceKey dep : graph.dependencies(key)) {
      Result.Status status = done.get(dep).result().status();
      if (status == Result.Status.FAILED || status == Result.Status.SKIPPED) {
        ResourceKey cause = rootCause.get(dep);
        rootCause.put(key, cause);
        String message = cause.equals(dep) ? "dependency " + dep + " failed"
            : "dependency " + cause + " failed (via " + dep + ")";
        return new Outcome(key, node.resource(), Result.skipped(message), resourceNoop, false);
      }
    }
    Result result;
    try {
      result = node.checkable().checkApply(context, !resourceNoop);
    } catch (RuntimeException e) {
      // A bug in a type must not end the run: the resource fails, visibly.
      result = Result.failed(Map.of(), List.of(), "internal error in " + key.type() + ": " + e);
    }
    boolean refreshed = false;
    if (node.checkable() instanceof Refreshable refreshable && !resourceNoop
        && result.status() != Result.Status.FAILED && notifierChanged(key)) {
      String failure;
      try {
        failure = refreshable.refresh(context);
      } catch (RuntimeException e) {
        failure = "internal error: " + e;
      }
      if (failure.isEmpty()) {
        refreshed = true;
      } else {
        result = Result.failed(result.desired(), result.changes(), "refresh failed: " + failure);
      }
    }
    if (result.status() == Result.Status.FAILED) {
      rootCause.put(key, key);
    }
    return new Outcome(key, node.resource(), result, resourceNoop, refreshed);
  }

  private boolean notifierChanged(ResourceKey key) {
    for (ResourceKey source : graph.notifiers(key)) {
      if (done.get(source).result().status() == Result.Status.CHANGED) {
        return true;
      }
    }
    return false;
  }
}
