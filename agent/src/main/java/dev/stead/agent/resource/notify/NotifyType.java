package dev.stead.agent.resource.notify;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The {@code notify} type: a message, logged and reported each time the catalog is applied.
 * Like Puppet's notify it is a change on every real run, which is how the message reaches the
 * report; a noop run prints nothing and finds it in sync. It desires no property of the machine, so the drift state
 * records nothing for it and its change is always intended, never drift.
 */
public final class NotifyType implements ResourceType {
  /** The property its one change carries. */
  public static final String PROPERTY = "message";
  private static final Logger LOG = Logger.getLogger(NotifyType.class.getName());

  @Override
  public String name() {
    return ResourceTypes.NOTIFY.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.NOTIFY);
    return new Notify(p.string(PROPERTY));
  }

  private record Notify(String message) implements Checkable {
    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      if (!apply) {
        // A noop or audit run applies nothing, so nothing is printed and nothing is pending:
        // a node in audit mode with a notify stays compliant.
        return Result.inSync(Map.of());
      }
      LOG.info(() -> "notice: " + message);
      return Result.changed(Map.of(), List.of(Change.applied(PROPERTY, "", message, "")));
    }
  }
}
