package dev.stead.agent.resource.account;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.List;
import java.util.TreeSet;

/** The {@code user} type: useradd, usermod and userdel. */
public final class UserType implements ResourceType {

  @Override
  public String name() {
    return ResourceTypes.USER.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.USER);
    Long uid = p.integer("uid");
    if (uid != null && uid < 0) {
      throw new InvalidResourceException("`uid` must not be negative");
    }
    String gid = p.singleLine("gid");
    String home = p.singleLine("home");
    if (home != null && !home.startsWith("/")) {
      throw new InvalidResourceException("`home` must be an absolute path");
    }
    String comment = p.singleLine("comment");
    if (comment != null && comment.contains(":")) {
      throw new InvalidResourceException("`comment` must not contain `:`");
    }
    List<String> groups = p.strings("groups");
    if (groups != null) {
      groups = List.copyOf(new TreeSet<>(groups));
    }
    return new UserResource(p.title(), p.string("ensure").equals("present"), uid,
        gid, home, p.singleLine("shell"), comment, groups, p.bool("managehome"),
        p.bool("system"), p.string("password"), p.string("expiry"),
        p.bool("purge_ssh_keys"));
  }
}
