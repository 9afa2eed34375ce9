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
 * {@code source}, {@code checksum} and {@code source_ca}. When the rest cannot be enforced
 * without the excepted properties (the type refuses the resource without them, or would still enforce them by a
 * default, as a file with content is ensured a file), every change of the resource is held
 * back under the exception: excepting a file's {@code ensure} leaves the whole file alone.
 * Stateless.
 */
final class ExceptedCheck {
  /** What one check came to: the result without the held-back changes, and those. */
  record Checked(Result result, List<Outcome.Excepted> excepted) {}

  private static final Map<String, List<String>> PARAMETERS_OF =
      Map.of("content", List.of("content", "source", "checksum", "source_ca"));

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
      return new Checked(Result.of(observed.desired(), rest, false, "")
          .withNote(observed.message()), held);
    }
    Checkable partial;
    try {
      partial = type.bind(without(resource, active.keySet()));
    } catch (InvalidResourceException e) {
      return holdAll(observed, held, rest);
    }
    // A type may fill in a missing parameter with a default (a file with content is a file):
    // then the partial resource would still enforce the excepted property, so nothing is.
    for (Change c : partial.checkApply(context, false).changes()) {
      if (active.containsKey(c.property())) {
        return holdAll(observed, held, rest);
      }
    }
    Result applied = partial.checkApply(context, true);
    // The partial resource does not know the excepted properties; the whole one's desired
    // values stand, so that the state recorded for drift stays complete.
    return new Checked(new Result(applied.status(), observed.desired(), applied.changes(),
        applied.message()), held);
  }

  /** The rest cannot be enforced without the excepted properties: all of it is held back. */
  private static Checked holdAll(Result observed, List<Outcome.Excepted> held,
      List<Change> rest) {
    List<Outcome.Excepted> all = new ArrayList<>(held);
    String id = held.get(0).exceptionId();
    for (Change c : rest) {
      all.add(new Outcome.Excepted(c, id));
    }
    return new Checked(Result.inSync(observed.desired()), all);
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
