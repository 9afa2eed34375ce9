package dev.stead.agent.engine;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a resource some of whose properties are excepted: the whole resource is observed
 * (never applied), the changes of excepted properties are held back and reported as such,
 * and, in a real run, the rest is applied by the resource bound without the excepted
 * parameters. A property is given by the parameter of its name; a file's content also by
 * {@code source} and {@code checksum}. When the type cannot do without an excepted parameter
 * (e.g. {@code ensure}) while something else is out of sync, the resource fails, saying so,
 * and nothing of it is applied. Stateless.
 */
final class ExceptedCheck {
  /** What one check came to: the result without the held-back changes, and those. */
  record Checked(Result result, List<Outcome.Excepted> excepted) {}

  private static final Map<String, List<String>> PARAMETERS_OF =
      Map.of("content", List.of("content", "source", "checksum"));

  private ExceptedCheck() {}

  /** @param active excepted property to exception id, all in force now */
  static Checked run(Checkable whole, Resource resource, ResourceType type,
      Map<String, String> active, ApplyContext context, boolean apply) {
    Result observed = whole.checkApply(context, false);
    List<Outcome.Excepted> held = new ArrayList<>();
    List<Change> rest = new ArrayList<>();
    for (Change c : observed.changes()) {
      String id = active.get(c.property());
      if (id != null) {
        held.add(new Outcome.Excepted(c, id));
      } else {
        rest.add(c);
      }
    }
    if (held.isEmpty()) {
      // Nothing excepted is out of sync: the resource is enforced as usual.
      return new Checked(apply ? whole.checkApply(context, true) : observed, List.of());
    }
    if (observed.status() == Result.Status.FAILED) {
      return new Checked(Result.failed(observed.desired(), rest, observed.message()), held);
    }
    if (!apply || rest.isEmpty()) {
      return new Checked(Result.of(observed.desired(), rest, false, ""), held);
    }
    Checkable partial;
    try {
      partial = type.bind(without(resource, active.keySet()));
    } catch (InvalidResourceException e) {
      return new Checked(Result.failed(observed.desired(), rest, "not enforced while "
          + String.join(", ", active.keySet()) + " is excepted: the resource cannot be "
          + "applied without it (" + e.getMessage() + ")"), held);
    }
    Result applied = partial.checkApply(context, true);
    // The partial resource does not know the excepted properties; the whole one's desired
    // values stand, so that the state recorded for drift stays complete.
    return new Checked(new Result(applied.status(), observed.desired(), applied.changes(),
        applied.message()), held);
  }

  private static Resource without(Resource resource, Iterable<String> properties) {
    Resource.Builder out = resource.toBuilder();
    for (String property : properties) {
      for (String parameter : PARAMETERS_OF.getOrDefault(property, List.of(property))) {
        out.removeParameters(parameter);
      }
    }
    return out.build();
  }
}
