package dev.stead.agent.resource.account;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Users and groups as /etc/passwd and /etc/group have them, read by {@link Accounts}. */
public final class AccountInspections {
  private AccountInspections() {}

  public static final Inspection USERS = new Inspection() {
    @Override
    public String type() {
      return "user";
    }

    @Override
    public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
      Accounts accounts = Accounts.read(context);
      return accounts.user(name).map(u -> user(accounts, u));
    }

    @Override
    public List<Inspected> all(ApplyContext context) throws IOException {
      Accounts accounts = Accounts.read(context);
      return accounts.users().stream().map(u -> user(accounts, u)).toList();
    }
  };

  public static final Inspection GROUPS = new Inspection() {
    @Override
    public String type() {
      return "group";
    }

    @Override
    public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
      return Accounts.read(context).group(name).map(AccountInspections::group);
    }

    @Override
    public List<Inspected> all(ApplyContext context) throws IOException {
      return Accounts.read(context).groups().stream().map(AccountInspections::group).toList();
    }
  };

  private static Inspected user(Accounts accounts, Accounts.User u) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ensure", "present");
    p.put("uid", u.uid());
    // By name where the group exists, as people write it; the number otherwise.
    p.put("gid", accounts.groupById(u.gid()).map(Accounts.Group::name)
        .orElse(Long.toString(u.gid())));
    p.put("home", u.home());
    p.put("shell", u.shell());
    p.put("comment", u.comment());
    p.put("groups", accounts.supplementaryGroups(u.name()));
    return new Inspected("user", u.name(), p);
  }

  private static Inspected group(Accounts.Group g) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ensure", "present");
    p.put("gid", g.gid());
    p.put("members", g.members().stream().sorted().toList());
    return new Inspected("group", g.name(), p);
  }
}
