package dev.stead.agent.engine;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Refreshable;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import java.util.List;
import java.util.Map;

/**
 * A resource type for engine tests, under any name: parameter {@code state} is
 * {@code sync}, {@code change}, {@code fail}, {@code throw} or {@code hang}; every check and
 * refresh is logged as {@code check:KEY:apply|noop} and {@code refresh:KEY}.
 */
final class ProbeType implements ResourceType {
  private final String name;
  private final List<String> shared;

  /** {@code log} should be thread-safe: hung probes log from abandoned threads. */
  ProbeType(String name, List<String> log) {
    this.name = name;
    this.shared = log;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Checkable bind(Resource r) {
    String key = r.getType() + "[" + r.getTitle() + "]";
    String state = r.getParametersMap().containsKey("state")
        ? r.getParametersMap().get("state").getStringValue() : "sync";
    return new Probe(key, state);
  }

  private final class Probe implements Checkable, Refreshable {
    private final String key;
    private final String state;

    Probe(String key, String state) {
      this.key = key;
      this.state = state;
    }

    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      shared.add("check:" + key + ":" + (apply ? "apply" : "noop"));
      Map<String, String> desired = Map.of("state", "ok");
      switch (state) {
        case "change" -> {
          Change.Outcome o = apply ? Change.Outcome.APPLIED : Change.Outcome.WOULD_APPLY;
          return Result.of(desired, List.of(new Change("state", "bad", "ok", o, "", "")),
              apply, "");
        }
        case "fail" -> {
          return Result.failed(desired, List.of(), "probe failure");
        }
        case "throw" -> throw new IllegalStateException("probe bug");
        case "hang" -> {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            shared.add("interrupted:" + key);
          }
          return Result.inSync(desired);
        }
        default -> {
          return Result.inSync(desired);
        }
      }
    }

    @Override
    public Refresh refresh(ApplyContext context) {
      shared.add("refresh:" + key);
      return Refresh.ok();
    }
  }
}
