package dev.stead.agent.resource.archive;

import dev.stead.wire.AtomicFiles;
import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.fetch.SourceFetch;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * One {@code archive}. In sync when {@code creates} exists (or, without it, when the kept
 * archive has the checksum): then nothing is read, fetched or unpacked. Otherwise the archive
 * is reused when the kept one has the checksum, else fetched and checked; then it is checked
 * entry by entry and unpacked, and only then kept (or removed, with {@code cleanup}), so a
 * run cut short unpacks again. Immutable.
 *
 * @param owner user of the unpacked files, or null for the agent's
 * @param group group of the unpacked files, or null for the agent's
 */
record ArchiveResource(String path, String source, String checksum, String sourceCa,
    String extractPath, String creates, boolean cleanup, String owner, String group)
    implements Checkable {
  private static final String PROPERTY = "extracted";

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    Changes changes = new Changes(apply).desire(PROPERTY, checksum);
    try {
      Path archive = context.paths().resolve(path);
      String kept = null;
      String before;
      if (creates != null) {
        if (Files.exists(context.paths().resolve(creates), LinkOption.NOFOLLOW_LINKS)) {
          return changes.result();
        }
        before = "absent";
      } else {
        kept = keptChecksum(archive);
        if (checksum.equals(kept)) {
          return changes.result();
        }
        before = kept == null ? "absent" : kept;
      }
      changes.record(PROPERTY, before, checksum);
      if (!apply) {
        return changes.result();
      }
      if (creates != null) {
        kept = keptChecksum(archive);
      }
      Path target = context.paths().resolve(extractPath);
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return changes.fail("extract_path " + extractPath + " is not a directory (manage it"
            + " with a file resource); nothing was fetched");
      }
      UserPrincipal user = owner == null ? null : lookupUser(target, owner);
      GroupPrincipal users = group == null ? null : lookupGroup(target, group);
      unpack(context, archive, checksum.equals(kept), target.toRealPath(), user, users);
      if (creates != null
          && !Files.exists(context.paths().resolve(creates), LinkOption.NOFOLLOW_LINKS)) {
        return changes.fail("unpacked into " + extractPath + ", but `creates` " + creates
            + " is still missing: the archive does not make it, so every run would unpack"
            + " it again");
      }
      return changes.result();
    } catch (IOException e) {
      return changes.fail(IoMessages.describe(e));
    }
  }

  /** The checksum of the archive kept at the title, or null when there is none. */
  private static String keptChecksum(Path archive) throws IOException {
    return Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)
        ? SourceFiles.checksum(archive) : null;
  }

  /** Fetches (unless the kept archive will do), checks, unpacks, then keeps or removes it. */
  private void unpack(ApplyContext context, Path archive, boolean reuse, Path target,
      UserPrincipal user, GroupPrincipal users) throws IOException {
    if (reuse) {
      extract(archive, target, user, users);
      if (cleanup) {
        Files.delete(archive);
        AtomicFiles.syncDirectory(archive.getParent());
      }
      return;
    }
    if (!Files.isDirectory(archive.getParent(), LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the directory of the archive, " + context.paths().managedName(
          archive.getParent()) + ", does not exist");
    }
    try (AtomicFiles.Staged staged =
        SourceFetch.stage(context, archive, source, checksum, sourceCa)) {
      extract(staged.file(), target, user, users);
      if (!cleanup) {
        staged.commit(AtomicFiles.Attributes.mode(PosixFilePermissions.fromString("rw-------")));
      }
    }
  }

  private void extract(Path file, Path target, UserPrincipal user, GroupPrincipal users)
      throws IOException {
    try {
      Extraction.unpack(file, target, user, users);
    } catch (EntryNames.UnsafeEntry e) {
      throw new IOException("archive " + source + " refused: " + e.getMessage()
          + "; nothing was unpacked", e);
    } catch (IOException e) {
      throw new IOException("cannot unpack " + source + " into " + extractPath + ": "
          + IoMessages.describe(e), e);
    }
  }

  private static UserPrincipal lookupUser(Path at, String name) throws IOException {
    try {
      return lookup(at).lookupPrincipalByName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException("no such user: " + name, e);
    }
  }

  private static GroupPrincipal lookupGroup(Path at, String name) throws IOException {
    try {
      return lookup(at).lookupPrincipalByGroupName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException("no such group: " + name, e);
    }
  }

  private static UserPrincipalLookupService lookup(Path at) {
    return at.getFileSystem().getUserPrincipalLookupService();
  }
}
