package dev.stead.agent.resource.sshkey;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.TextFile;
import dev.stead.agent.resource.account.Accounts;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One key in {@code ~USER/.ssh/authorized_keys} (home from /etc/passwd under the root). The
 * line holding the same key material is this resource; properties {@code ensure},
 * {@code type} and {@code comment}. Options in front of a found key are kept. With
 * {@code ensure present}, two more properties: {@code ssh_dir} and {@code authorized_keys},
 * the mode and owner of {@code ~/.ssh} (0700) and of the file (0600), both owned by the user
 * and its primary group, rendered like {@code 0700 1000:1000}. sshd's StrictModes ignores keys
 * behind a directory or file others can write, so a wrong mode or owner is drift that is
 * reported and corrected like any other. Requires the user when managed.
 */
final class SshKeyResource implements Checkable {
  private final String user;
  private final String type;
  private final String key;
  private final String comment;
  private final boolean present;

  SshKeyResource(String user, String type, String key, String comment, boolean present) {
    this.user = user;
    this.type = type;
    this.key = key;
    this.comment = comment;
    this.present = present;
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    Changes changes = new Changes(apply).desire("ensure", present ? "present" : "absent");
    if (present) {
      changes.desire("type", type).desire("comment", comment);
    }
    try {
      Optional<Accounts.User> account = Accounts.read(context).user(user);
      if (account.isEmpty()) {
        return present ? changes.fail("no such user: " + user) : changes.result();
      }
      String sshDir = account.get().home() + "/.ssh";
      String keysName = sshDir + "/authorized_keys";
      Path file = context.paths().resolve(keysName);
      List<String> lines = TextFile.read(file).orElse(List.of());
      List<String> out = new ArrayList<>();
      int at = -1;
      String[] found = null;
      for (String line : lines) {
        String[] parsed = parse(line);
        if (parsed != null && at < 0) {
          at = out.size();
          found = parsed;
        } else if (parsed != null && !present) {
          continue;
        }
        out.add(line);
      }
      if (!present) {
        if (at < 0) {
          return changes.result();
        }
        out.remove(at);
        changes.record("ensure", "present", "absent");
      } else if (at < 0) {
        out.add(type + " " + key + " " + comment);
        changes.record("ensure", "absent", "present");
        changes.record("type", "absent", type);
        changes.record("comment", "absent", comment);
      } else {
        if (!found[1].equals(type)) {
          changes.record("type", found[1], type);
        }
        if (!found[2].equals(comment)) {
          changes.record("comment", found[2], comment);
        }
        out.set(at, found[0] + type + " " + key + (comment.isEmpty() ? "" : " " + comment));
      }
      boolean rewrite = !changes.isEmpty();
      if (present) {
        checkAttributes(changes, "ssh_dir", file.getParent(), DIR_MODE, account.get());
        checkAttributes(changes, "authorized_keys", file, FILE_MODE, account.get());
      }
      if (apply && rewrite) {
        writeKeys(context, sshDir, keysName, file, out, account.get());
      }
      if (apply && present && !changes.isEmpty()) {
        // After a rewrite too: an existing file keeps its attributes through TextFile.
        fixAttributes(file.getParent(), DIR_MODE, account.get());
        fixAttributes(file, FILE_MODE, account.get());
      }
      return changes.result();
    } catch (IOException e) {
      return changes.fail("cannot update the authorized keys of " + user + ": "
          + IoMessages.describe(e));
    }
  }

  /** {prefix (options and a space, or empty), type, comment} when the line holds our key. */
  private String[] parse(String line) {
    String t = line.strip();
    if (t.isEmpty() || t.startsWith("#")) {
      return null;
    }
    String[] tokens = t.split("\\s+");
    for (int i = 1; i < tokens.length; i++) {
      if (tokens[i].equals(key)) {
        int start = t.indexOf(tokens[i - 1] + " " + key);
        String prefix = start > 0 ? t.substring(0, start) : "";
        String rest = String.join(" ", List.of(tokens).subList(i + 1, tokens.length));
        return new String[] {prefix, tokens[i - 1], rest};
      }
    }
    return null;
  }

  private static final int DIR_MODE = 0700;
  private static final int FILE_MODE = 0600;

  /** {@code 0700 1000:1000}: mode, uid and gid as events show them. */
  private static String render(int mode, long uid, long gid) {
    return String.format(Locale.ROOT, "%04o %d:%d", mode, uid, gid);
  }

  /** Declares {@code property} and records a change when {@code path} exists with other ones. */
  private static void checkAttributes(Changes changes, String property, Path path, int mode,
      Accounts.User owner) throws IOException {
    String desired = render(mode, owner.uid(), owner.gid());
    changes.desire(property, desired);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return; // Created with the right attributes when written.
    }
    int now = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int gid = (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    String observed = render(now, uid, gid);
    if (!observed.equals(desired)) {
      changes.record(property, observed, desired);
    }
  }

  private static void fixAttributes(Path path, int mode, Accounts.User owner) throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
      chown(path, owner);
    }
  }

  private static void writeKeys(ApplyContext context, String sshDir, String keysName, Path file,
      List<String> lines, Accounts.User owner) throws IOException {
    Path dir = context.paths().resolve(sshDir);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      chown(dir, owner);
    }
    boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    TextFile.write(context, keysName, file, lines,
        AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-------")));
    if (!existed) {
      chown(file, owner);
    }
  }

  private static void chown(Path path, Accounts.User owner) throws IOException {
    Files.setAttribute(path, "unix:uid", (int) owner.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", (int) owner.gid(), LinkOption.NOFOLLOW_LINKS);
  }
}
