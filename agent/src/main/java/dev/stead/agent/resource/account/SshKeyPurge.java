package dev.stead.agent.resource.account;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.TextFile;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Removes the lines of a user's ~/.ssh/authorized_keys whose key material no ssh_key resource
 * of the catalog names for that user (whatever its ensure: an absent one is the ssh_key's to
 * remove and report). Comments and blank lines stay. Immutable.
 */
final class SshKeyPurge {
  private static final Pattern KEY_TYPE = Pattern.compile("(ssh|ecdsa|sk)-[A-Za-z0-9@.\\-]+");

  private final Set<String> kept;

  private SshKeyPurge(Set<String> kept) {
    this.kept = Set.copyOf(kept);
  }

  /** The key material the catalog's ssh_key resources name for {@code user}. */
  static SshKeyPurge forUser(String user, List<Resource> catalog) {
    Set<String> kept = new HashSet<>();
    for (Resource r : catalog) {
      if (!r.getType().equals("ssh_key")) {
        continue;
      }
      Value owner = r.getParametersMap().get("user");
      Value key = r.getParametersMap().get("key");
      if (owner != null && owner.getStringValue().equals(user) && key != null) {
        kept.add(key.getStringValue());
      }
    }
    return new SshKeyPurge(kept);
  }

  /** The unmanaged keys found, each shown by its comment (or type and key end); empty: none. */
  record Found(List<String> described, List<String> keptLines) {}

  static String fileName(Accounts.User account) {
    return account.home() + "/.ssh/authorized_keys";
  }

  Optional<Found> check(ApplyContext context, Accounts.User account) throws IOException {
    Path file = context.paths().resolve(fileName(account));
    Optional<List<String>> lines = TextFile.read(file);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    List<String> keep = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (String line : lines.get()) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        keep.add(line);
        continue;
      }
      String[] tokens = t.split("\\s+");
      boolean managed = false;
      for (String token : tokens) {
        managed |= kept.contains(token);
      }
      if (managed) {
        keep.add(line);
      } else {
        removed.add(describe(tokens));
      }
    }
    return removed.isEmpty() ? Optional.empty() : Optional.of(new Found(removed, keep));
  }

  void write(ApplyContext context, Accounts.User account, Found found) throws IOException {
    // The file exists (it held the keys): TextFile keeps its mode and owner.
    TextFile.write(context, fileName(account), context.paths().resolve(fileName(account)),
        found.keptLines(),
        AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-------")));
  }

  private static String describe(String[] tokens) {
    for (int i = 0; i + 1 < tokens.length; i++) {
      if (KEY_TYPE.matcher(tokens[i]).matches()) {
        if (i + 2 < tokens.length) {
          return String.join(" ", List.of(tokens).subList(i + 2, tokens.length));
        }
        String key = tokens[i + 1];
        return tokens[i] + " ..." + key.substring(Math.max(0, key.length() - 8));
      }
    }
    return "an unreadable line";
  }
}
