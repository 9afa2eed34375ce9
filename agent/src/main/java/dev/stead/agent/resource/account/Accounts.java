package dev.stead.agent.resource.account;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local account database as it is now, read from /etc/passwd and /etc/group under the
 * root (not through NSS, so LDAP users never count as local). Immutable snapshot.
 */
public final class Accounts {
  /** One /etc/passwd line. */
  public record User(String name, long uid, long gid, String comment, String home,
      String shell) {}

  /** One /etc/group line. */
  public record Group(String name, long gid, List<String> members) {
    public Group {
      members = List.copyOf(members);
    }
  }

  private final Map<String, User> users;
  private final Map<String, Group> groups;

  private Accounts(Map<String, User> users, Map<String, Group> groups) {
    this.users = users;
    this.groups = groups;
  }

  /** Reads both files; a missing file is an empty database. */
  public static Accounts read(ApplyContext context) throws IOException {
    Map<String, User> users = new LinkedHashMap<>();
    for (String[] f : lines(context.paths().resolve("/etc/passwd"), 7)) {
      users.putIfAbsent(f[0], new User(f[0], number(f[2]), number(f[3]), f[4], f[5], f[6]));
    }
    Map<String, Group> groups = new LinkedHashMap<>();
    for (String[] f : lines(context.paths().resolve("/etc/group"), 4)) {
      List<String> members = f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(","));
      groups.putIfAbsent(f[0], new Group(f[0], number(f[2]), members));
    }
    return new Accounts(users, groups);
  }

  /** Same as {@link #read}, with the failure as a message. */
  public static Optional<Accounts> read(ApplyContext context, StringBuilder error) {
    try {
      return Optional.of(read(context));
    } catch (IOException e) {
      error.append("cannot read the account database: ").append(IoMessages.describe(e));
      return Optional.empty();
    }
  }

  public Optional<User> user(String name) {
    return Optional.ofNullable(users.get(name));
  }

  public Optional<Group> group(String name) {
    return Optional.ofNullable(groups.get(name));
  }

  /** Every user, in /etc/passwd's order. */
  public Collection<User> users() {
    return Collections.unmodifiableCollection(users.values());
  }

  /** Every group, in /etc/group's order. */
  public Collection<Group> groups() {
    return Collections.unmodifiableCollection(groups.values());
  }

  public Optional<Group> groupById(long gid) {
    return groups.values().stream().filter(g -> g.gid() == gid).findFirst();
  }

  /** Names of the groups that list {@code user} as a member, sorted. */
  public List<String> supplementaryGroups(String user) {
    List<String> out = new ArrayList<>();
    for (Group g : groups.values()) {
      if (g.members().contains(user)) {
        out.add(g.name());
      }
    }
    out.sort(null);
    return out;
  }

  /** A set of names as events show it: sorted input joined by commas, or {@code (none)}. */
  public static String render(Collection<String> names) {
    return names.isEmpty() ? "(none)" : String.join(",", names);
  }

  private static List<String[]> lines(Path file, int fields) throws IOException {
    List<String[]> out = new ArrayList<>();
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return out;
    }
    for (String line : text) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
        continue;
      }
      String[] f = line.split(":", -1);
      if (f.length >= fields) {
        out.add(f);
      }
    }
    return out;
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
