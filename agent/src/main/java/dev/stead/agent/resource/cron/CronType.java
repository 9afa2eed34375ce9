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
import java.util.regex.Pattern;

/** The {@code cron} type: one marked entry of a user's crontab. */
public final class CronType implements ResourceType {
  static final List<String> FIELDS = List.of("minute", "hour", "monthday", "month", "weekday");
  private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9*/,\\-]+");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.\\-]{0,31}");

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
    String user = p.string("user", "root");
    if (!USER.matcher(user).matches()) {
      throw new InvalidResourceException("`user` must be a user name, got `" + user + "`");
    }
    boolean present = p.string("ensure", "present").equals("present");
    String command = p.singleLine("command");
    if (present && (command == null || command.isBlank())) {
      throw new InvalidResourceException("`command` is required when ensure is present");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String f : FIELDS) {
      String v = p.string(f, "*");
      if (!FIELD.matcher(v).matches()) {
        throw new InvalidResourceException("`" + f + "` must be a cron field such as 5, */10 or"
            + " 1-5, got `" + v + "`");
      }
      fields.put(f, v);
    }
    return new CronResource(p.title(), user, present, fields, command);
  }
}
