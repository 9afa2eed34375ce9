package dev.stead.agent.resource.account;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.CatalogAware;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.SecretBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One user. Creation passes every set property to useradd in one call (each reported as a
 * change from {@code absent}); later differences are fixed with one usermod per property.
 * {@code gid} is compared the way it is written: a number against the number, a name against
 * the name of the primary group. {@code password} and {@code expiry} are read from
 * /etc/shadow; the hash found there is reported as {@code [secret]}, never as itself.
 * With {@code purge_ssh_keys}, keys in ~/.ssh/authorized_keys that no ssh_key resource of
 * the catalog names go (property {@code ssh_keys}); the ssh_keys require the user, so the
 * purge runs before they add theirs. Requires its managed groups.
 */
final class UserResource implements Checkable, CatalogAware {
  private static final String HIDDEN = SecretBlob.REDACTED;
  private static final String MANAGED_ONLY = "managed only";

  private final String name;
  private final boolean present;
  private final Long uid;
  private final String gid;
  private final String home;
  private final String shell;
  private final String comment;
  private final List<String> groups;
  private final boolean managehome;
  private final boolean system;
  private final String password;
  private final String expiry;
  private final boolean purgeSshKeys;
  /** The keys to keep when purging; learnt from the catalog before the run. */
  private SshKeyPurge purge;

  UserResource(String name, boolean present, Long uid, String gid, String home, String shell,
      String comment, List<String> groups, boolean managehome, boolean system,
      String password, String expiry, boolean purgeSshKeys) {
    this.purgeSshKeys = purgeSshKeys;
    this.password = password;
    this.expiry = expiry;
    this.name = name;
    this.present = present;
    this.uid = uid;
    this.gid = gid;
    this.home = home;
    this.shell = shell;
    this.comment = comment;
    this.groups = groups;
    this.managehome = managehome;
    this.system = system;
  }

  /** Desired properties (besides ensure), in the order they are checked; null: unmanaged. */
  private Map<String, String> managed() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("uid", uid == null ? null : uid.toString());
    out.put("gid", gid);
    out.put("home", home);
    out.put("shell", shell);
    out.put("comment", comment);
    out.put("groups", groups == null ? null : Accounts.render(groups));
    out.put("password", password);
    out.put("expiry", expiry);
    out.values().removeIf(v -> v == null);
    return out;
  }

  @Override
  public void seeCatalog(Set<ResourceKey> managed) {}

  @Override
  public void seeResources(List<Resource> resources) {
    purge = SshKeyPurge.forUser(name, resources);
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    Changes changes = new Changes(apply).desire("ensure", present ? "present" : "absent");
    Map<String, String> managed = present ? managed() : Map.of();
    managed.forEach((property, value) -> changes.desire(property, shown(property, value)));
    StringBuilder error = new StringBuilder();
    Optional<Accounts> db = Accounts.read(context, error);
    if (db.isEmpty()) {
      return changes.fail(error.toString());
    }
    Optional<Accounts.User> now = db.get().user(name);
    if (!present) {
      if (now.isPresent()) {
        if (apply) {
          List<String> argv = new ArrayList<>(List.of("userdel"));
          if (managehome) {
            argv.add("-r");
          }
          argv.add(name);
          String why = Shadow.run(context, argv);
          if (!why.isEmpty()) {
            return changes.fail("ensure", "present", "absent", why);
          }
        }
        changes.record("ensure", "present", "absent");
      }
      return changes.result();
    }
    if (now.isEmpty()) {
      if (apply) {
        String why = hide(Shadow.run(context, useradd()));
        if (!why.isEmpty()) {
          return changes.fail("ensure", "absent", "present", why);
        }
      }
      changes.record("ensure", "absent", "present");
      managed.forEach((property, value) -> changes.record(property,
          property.equals("password") ? HIDDEN : "absent", shown(property, value)));
      return changes.result();
    }
    Optional<ShadowEntry> shadow = Optional.empty();
    if (password != null || expiry != null) {
      try {
        shadow = ShadowEntry.read(context, name);
      } catch (IOException e) {
        return changes.fail("cannot read /etc/shadow: "
            + IoMessages.describe(e));
      }
    }
    for (Map.Entry<String, String> e : managed.entrySet()) {
      String before = switch (e.getKey()) {
        case "password" -> shadow.map(ShadowEntry::hash).orElse("");
        case "expiry" -> shadow.map(ShadowEntry::expiry).orElse("absent");
        default -> observed(db.get(), now.get(), e.getKey());
      };
      if (before.equals(e.getValue())) {
        continue;
      }
      if (e.getKey().equals("password")) {
        // The hash found on the machine is a credential too: it never reaches the report.
        before = HIDDEN;
      }
      if (apply) {
        String why = hide(Shadow.run(context, usermod(e.getKey())));
        if (!why.isEmpty()) {
          return changes.fail(e.getKey(), before, shown(e.getKey(), e.getValue()), why);
        }
      }
      changes.record(e.getKey(), before, shown(e.getKey(), e.getValue()));
    }
    if (purgeSshKeys) {
      return purgeKeys(context, apply, changes, now.get());
    }
    return changes.result();
  }

  /**
   * A property's value as events and the drift state show it. A password hash given as a
   * plain string (not a secret, which the secret layer replaces by its reference) shows as a
   * secret mark with a digest of the hash, so a changed hash still reads as a change.
   */
  private static String shown(String property, String value) {
    if (!property.equals("password")) {
      return value;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8));
      return "[secret sha256:" + HexFormat.of().formatHex(digest, 0, 8) + "]";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A failure message without the hash, which the failed command line holds. */
  private String hide(String why) {
    return password == null || why.isEmpty() ? why : why.replace(password, HIDDEN);
  }

  private Result purgeKeys(ApplyContext context, boolean apply, Changes changes,
      Accounts.User account) {
    changes.desire("ssh_keys", MANAGED_ONLY);
    if (purge == null) {
      return changes.fail("ssh_keys", "unknown", MANAGED_ONLY,
          "purge_ssh_keys needs the catalog's ssh_key resources, which were not given");
    }
    try {
      Optional<SshKeyPurge.Found> found = purge.check(context, account);
      if (found.isEmpty()) {
        return changes.result();
      }
      String before = "unmanaged: " + String.join(", ", found.get().described());
      if (apply) {
        purge.write(context, account, found.get());
      }
      changes.record("ssh_keys", before, MANAGED_ONLY);
    } catch (IOException e) {
      return changes.fail("cannot purge the authorized keys of " + name + ": "
          + IoMessages.describe(e));
    }
    return changes.result();
  }

  private String observed(Accounts db, Accounts.User u, String property) {
    return switch (property) {
      case "uid" -> Long.toString(u.uid());
      case "gid" -> Character.isDigit(gid.charAt(0)) ? Long.toString(u.gid())
          : db.groupById(u.gid()).map(Accounts.Group::name).orElse(Long.toString(u.gid()));
      case "home" -> u.home();
      case "shell" -> u.shell();
      case "comment" -> u.comment();
      case "groups" -> Accounts.render(db.supplementaryGroups(name));
      default -> throw new IllegalStateException("unknown user property " + property);
    };
  }

  private List<String> useradd() {
    List<String> argv = new ArrayList<>(List.of("useradd"));
    if (uid != null) {
      argv.addAll(List.of("-u", uid.toString()));
    }
    if (gid != null) {
      argv.addAll(List.of("-g", gid));
    }
    if (home != null) {
      argv.addAll(List.of("-d", home));
    }
    if (shell != null) {
      argv.addAll(List.of("-s", shell));
    }
    if (comment != null) {
      argv.addAll(List.of("-c", comment));
    }
    if (groups != null && !groups.isEmpty()) {
      argv.addAll(List.of("-G", String.join(",", groups)));
    }
    argv.add(managehome ? "-m" : "-M");
    if (system) {
      argv.add("-r");
    }
    if (password != null) {
      argv.addAll(List.of("-p", password));
    }
    if (expiry != null && !expiry.equals("absent")) {
      argv.addAll(List.of("-e", expiry));
    }
    argv.add(name);
    return argv;
  }

  private List<String> usermod(String property) {
    List<String> argv = new ArrayList<>(List.of("usermod"));
    switch (property) {
      case "uid" -> argv.addAll(List.of("-u", uid.toString()));
      case "gid" -> argv.addAll(List.of("-g", gid));
      case "home" -> {
        argv.addAll(List.of("-d", home));
        if (managehome) {
          argv.add("-m");
        }
      }
      case "shell" -> argv.addAll(List.of("-s", shell));
      case "comment" -> argv.addAll(List.of("-c", comment));
      case "groups" -> argv.addAll(List.of("-G", String.join(",", groups)));
      case "password" -> argv.addAll(List.of("-p", password));
      case "expiry" -> {
        if (expiry.equals("absent")) {
          return List.of("chage", "-E", "-1", name);
        }
        argv.addAll(List.of("-e", expiry));
      }
      default -> throw new IllegalStateException("unknown user property " + property);
    }
    argv.add(name);
    return argv;
  }
}
