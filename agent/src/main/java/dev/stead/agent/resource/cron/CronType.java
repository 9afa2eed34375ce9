package dev.stead.agent.resource.cron;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code cron} type: one marked entry of a user's crontab. */
public final class CronType implements ResourceType {
  static final List<String> FIELDS = List.of("minute", "hour", "monthday", "month", "weekday");

  @Override
  public String name() {
    return ResourceTypes.CRON.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.CRON);
    if (p.title().indexOf('\n') >= 0) {
      throw new InvalidResourceException("the title must be a single line");
    }
    String user = p.string("user");
    boolean present = p.string("ensure").equals("present");
    String command = p.singleLine("command");
    if (present && (command == null || command.isBlank())) {
      throw new InvalidResourceException("`command` is required when ensure is present");
    }
    String special = p.string("special");
    Map<String, String> fields = new LinkedHashMap<>();
    for (String f : FIELDS) {
      if (special != null && p.has(f)) {
        throw new InvalidResourceException("`special` and `" + f + "` exclude each other:"
            + " @" + special + " replaces the time fields");
      }
      fields.put(f, p.string(f));
    }
    List<String> environment = p.strings("environment");
    return new CronResource(p.title(), user, present, fields, special, command, environment);
  }
}
