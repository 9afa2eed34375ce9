package dev.stead.agent.resource.account;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The {@code user} type: useradd, usermod and userdel. */
public final class UserType implements ResourceType {
  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.\\-]{0,31}");
  private static final Pattern GROUP_REF = Pattern.compile("[0-9]+|[a-z_][a-z0-9_.\\-]{0,31}");

  @Override
  public String name() {
    return ResourceTypes.USER.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.USER);
    if (!NAME.matcher(p.title()).matches()) {
      throw new InvalidResourceException("`" + p.title() + "` is not a valid user name");
    }
    Long uid = p.integer("uid");
    if (uid != null && uid < 0) {
      throw new InvalidResourceException("`uid` must not be negative");
    }
    String gid = p.singleLine("gid");
    if (gid != null && !GROUP_REF.matcher(gid).matches()) {
      throw new InvalidResourceException("`gid` must be a group name or number, got `" + gid
          + "`");
    }
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
      for (String g : groups) {
        if (!GroupType.NAME.matcher(g).matches()) {
          throw new InvalidResourceException("`groups` has an invalid group name `" + g + "`");
        }
      }
      groups = List.copyOf(new TreeSet<>(groups));
    }
    return new UserResource(p.title(), p.string("ensure", "present").equals("present"), uid,
        gid, home, p.singleLine("shell"), comment, groups, p.bool("managehome", false),
        p.bool("system", false));
  }
}
