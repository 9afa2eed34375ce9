package dev.stead.agent.resource.account;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code group} type: groupadd, groupmod, gpasswd -M (the exact member list) and groupdel.
 * Properties: ensure, gid, members (rendered sorted, comma-separated).
 */
public final class GroupType implements ResourceType {

  @Override
  public String name() {
    return ResourceTypes.GROUP.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.GROUP);
    boolean present = p.string("ensure").equals("present");
    Long gid = p.integer("gid");
    if (gid != null && gid < 0) {
      throw new InvalidResourceException("`gid` must not be negative");
    }
    List<String> members = p.strings("members");
    if (members != null) {
      members = List.copyOf(new TreeSet<>(members));
    }
    return new Group(p.title(), present, gid, members, p.bool("system"));
  }

  /** One group. */
  private record Group(String name, boolean present, Long gid, List<String> members,
      boolean system) implements Checkable {
    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      Changes changes = new Changes(apply).desire("ensure", present ? "present" : "absent");
      if (present && gid != null) {
        changes.desire("gid", gid.toString());
      }
      if (present && members != null) {
        changes.desire("members", Accounts.render(members));
      }
      StringBuilder error = new StringBuilder();
      Optional<Accounts> db = Accounts.read(context, error);
      if (db.isEmpty()) {
        return changes.fail(error.toString());
      }
      Optional<Accounts.Group> now = db.get().group(name);
      if (!present) {
        if (now.isPresent()) {
          if (apply) {
            String why = Shadow.run(context, List.of("groupdel", name));
            if (!why.isEmpty()) {
              return changes.fail("ensure", "present", "absent", why);
            }
          }
          changes.record("ensure", "present", "absent");
        }
        return changes.result();
      }
      if (now.isEmpty()) {
        List<String> argv = new ArrayList<>(List.of("groupadd"));
        if (gid != null) {
          argv.addAll(List.of("-g", gid.toString()));
        }
        if (system) {
          argv.add("-r");
        }
        argv.add(name);
        if (apply) {
          String why = Shadow.run(context, argv);
          if (why.isEmpty() && members != null && !members.isEmpty()) {
            why = Shadow.run(context,
                List.of("gpasswd", "-M", String.join(",", members), name));
          }
          if (!why.isEmpty()) {
            return changes.fail("ensure", "absent", "present", why);
          }
        }
        changes.record("ensure", "absent", "present");
        if (gid != null) {
          changes.record("gid", "absent", gid.toString());
        }
        if (members != null && !members.isEmpty()) {
          changes.record("members", "absent", Accounts.render(members));
        }
        return changes.result();
      }
      Accounts.Group g = now.get();
      if (gid != null && g.gid() != gid) {
        if (apply) {
          String why = Shadow.run(context, List.of("groupmod", "-g", gid.toString(), name));
          if (!why.isEmpty()) {
            return changes.fail("gid", Long.toString(g.gid()), gid.toString(), why);
          }
        }
        changes.record("gid", Long.toString(g.gid()), gid.toString());
      }
      if (members != null) {
        String before = Accounts.render(new TreeSet<>(g.members()));
        String after = Accounts.render(members);
        if (!before.equals(after)) {
          if (apply) {
            String why = Shadow.run(context,
                List.of("gpasswd", "-M", String.join(",", members), name));
            if (!why.isEmpty()) {
              return changes.fail("members", before, after, why);
            }
          }
          changes.record("members", before, after);
        }
      }
      return changes.result();
    }
  }
}
