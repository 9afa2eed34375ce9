package dev.stead.agent.resource.file;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.fs.Sha256;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.CatalogAware;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.DigestedContent;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.Watchable;
import dev.stead.agent.resource.fetch.SourceFetch;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.SourceFiles;
import dev.stead.wire.UnifiedDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One {@code file} resource. The check runs in two shapes: when the path is not the kind it
 * should be, it is created (or replaced, or removed) in one step with every managed property,
 * and each of those properties is reported as a change from {@code absent}; otherwise each
 * managed property is compared and corrected on its own. New files are written atomically
 * with their final mode and owner; replaced content goes to the backup store first.
 */
final class FileResource implements Checkable, CatalogAware, DigestedContent, Watchable {
  private static final Logger LOG = Logger.getLogger(FileResource.class.getName());
  private static final String DEFAULT_FILE_MODE = "0644";
  /** Sources larger than this are reported without a diff (it would not be read anyway). */
  private static final long SOURCE_DIFF_BYTES = 1024 * 1024;
  private static final String DEFAULT_DIRECTORY_MODE = "0755";

  private final FileSpec spec;
  /** The {@code validate_cmd} new content must pass, or null. */
  private final ContentValidation validation;
  /** The desired content as bytes (null when content is unmanaged), encoded once. */
  private final byte[] content;
  /** {@code sha256:…} of {@link #content}: computed on first use unless seeded. */
  private volatile String contentDigest;
  /** Immutable once built: every Result copies it, and a copy of an immutable map is itself. */
  private volatile Map<String, String> desired;
  /**
   * Titles of the other file resources beneath this directory, learnt from the catalog when
   * the engine asks for {@link #seeCatalog} (once per plan); null until then, and then
   * purge refuses to guess. Only kept when recursing.
   */
  private volatile Set<String> managedBeneath;
  /** Whether the catalog manages this path's parent directory, learnt with seeCatalog. */
  private volatile boolean parentManaged;

  FileResource(FileSpec spec) {
    this.spec = spec;
    this.validation = spec.validateCmd() == null ? null : new ContentValidation(spec.validateCmd());
    this.content = spec.content() != null ? spec.contentBytes() : null;
  }

  @Override
  public byte[] digestedContent() {
    return content;
  }

  @Override
  public String knownDigest() {
    return contentDigest;
  }

  @Override
  public void seedDigest(String digest) {
    if (content != null && contentDigest == null) {
      contentDigest = digest;
    }
  }

  /** Every managed property with its desired value (hashing the content the first time). */
  private Map<String, String> desired() {
    Map<String, String> d = desired;
    if (d == null) {
      String digest = contentDigest;
      if (content != null && digest == null) {
        digest = "sha256:" + Sha256.hex(content);
        contentDigest = digest;
      }
      d = Map.copyOf(spec.desired(digest));
      desired = d;
    }
    return d;
  }

  @Override
  public List<WatchedPath> watchedPaths() {
    return List.of(new WatchedPath(spec.path(), spec.recurse()));
  }

  @Override
  public void seeCatalog(Set<ResourceKey> managed) {
    if (spec.recurse()) {
      managedBeneath = beneath(managed);
    }
    Path parent = Path.of(spec.path()).getParent();
    parentManaged = parent != null && managed.contains(ResourceKey.of("file", parent.toString()));
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    List<Change> changes = new ArrayList<>();
    try {
      Path path = context.paths().resolve(spec.path());
      Observed now = Observed.of(path);
      if (spec.ensure() == null && now.kind() == FileKind.ABSENT) {
        // As Puppet: without ensure (and nothing that implies it) the resource manages a
        // file's properties only where it exists, so an absent one is in sync, not a failure.
        return new Result(Result.Status.IN_SYNC, Map.of(), List.of(), spec.path()
            + " does not exist and ensure is not set: nothing to manage");
      }
      // replace false, as Puppet: an existing link where the file should be is kept too.
      boolean keep = !spec.replace() && spec.ensure() == FileKind.FILE
          && now.kind() == FileKind.LINK;
      if (spec.ensure() != null && spec.ensure() != now.kind() && !keep) {
        return replace(context, path, now, apply);
      }
      return correct(context, path, now, apply);
    } catch (IOException e) {
      return Result.failed(desired(), changes, IoMessages.describe(e));
    }
  }

  /** The path is the wrong kind (or absent): make it right in one step. */
  private Result replace(ApplyContext context, Path path, Observed now, boolean apply)
      throws IOException {
    FileKind want = spec.ensure();
    List<Change> changes = new ArrayList<>();
    if ((now.kind() == FileKind.DIRECTORY) && !spec.force()) {
      String verb = want == FileKind.ABSENT ? "remove it" : "replace it with a " + want.token();
      return Result.failed(desired(), changes,
          spec.path() + " is a directory; set force to " + verb);
    }
    if (want != FileKind.ABSENT) {
      Path parent = path.getParent();
      // In noop, a missing parent the catalog manages would be created first (the engine
      // notes that it would change): report what would be created here, not a failure the
      // real run would not have.
      if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS) && (apply || !parentManaged)) {
        return Result.failed(desired(), changes, "parent directory "
            + context.paths().managedName(parent) + " does not exist"
            + (parentManaged ? "" : " (it is not managed here)"));
      }
    }
    changes.add(change("ensure", now.kind().token(), want.token(), "", apply));
    if (want == FileKind.FILE) {
      byte[] content = spec.content() != null ? spec.contentBytes() : new byte[0];
      if (spec.content() != null) {
        changes.add(change("content", "absent", desired().get("content"),
            diff(new byte[0], content), apply));
      }
      AtomicFiles.Staged staged = null;
      if (spec.source() != null) {
        // Fetched (and checked) before anything is removed: a fetch failure leaves the path
        // as it was.
        try {
          staged = apply ? stageSource(context, path) : null;
          changes.add(change("content", "absent", spec.checksum(),
              staged == null ? "" : sourceDiff(null, staged.file()), apply));
        } catch (IOException e) {
          discard(staged);
          changes.add(change("content", "absent", spec.checksum(), "", apply));
          addCreated(changes, apply);
          return failAll(changes, IoMessages.describe(e));
        }
      }
      addCreated(changes, apply);
      if (apply) {
        try {
          AtomicFiles.Attributes attributes = new AtomicFiles.Attributes(
              Modes.parse(spec.mode() != null ? spec.mode() : DEFAULT_FILE_MODE),
              owner(path), group(path));
          if (validation != null) {
            // Checked before anything at the path is removed or replaced.
            if (staged == null) {
              staged = AtomicFiles.stage(path, out -> out.write(content));
            }
            validation.check(context.host(), staged.file());
          }
          removeForReplacement(context, path, now);
          if (staged != null) {
            staged.commit(attributes);
          } else if (now.kind() == FileKind.ABSENT) {
            // Nothing to keep at the path: the content is synced at the end of the run.
            AtomicFiles.create(path, content, attributes, context.syncs());
          } else {
            AtomicFiles.write(path, content, attributes, context.syncs());
          }
        } catch (IOException e) {
          return failAll(changes, IoMessages.describe(e));
        } finally {
          discard(staged);
        }
      }
    } else if (want == FileKind.DIRECTORY) {
      addCreated(changes, apply);
      if (apply) {
        try {
          removeForReplacement(context, path, now);
          Files.createDirectory(path);
          PosixFileAttributeView view = view(path);
          UserPrincipal owner = owner(path);
          GroupPrincipal group = group(path);
          if (owner != null) {
            view.setOwner(owner);
          }
          if (group != null) {
            view.setGroup(group);
          }
          // Set explicitly: the umask applies to mkdir, never to chmod.
          view.setPermissions(Modes.parse(spec.mode() != null
              ? spec.modeFor(FileKind.DIRECTORY) : DEFAULT_DIRECTORY_MODE));
          context.syncs().changed(path.getParent());
        } catch (IOException e) {
          return failAll(changes, IoMessages.describe(e));
        }
      }
    } else if (want == FileKind.LINK) {
      changes.add(change("target", "absent", spec.target(), "", apply));
      addCreated(changes, apply);
      if (apply) {
        try {
          removeForReplacement(context, path, now);
          // Link targets are written verbatim: they mean the same under --root as without.
          AtomicFiles.symlink(path, spec.target(), context.syncs());
          setOwnership(path);
        } catch (IOException e) {
          return failAll(changes, IoMessages.describe(e));
        }
      }
    } else {
      if (apply) {
        try {
          removeForReplacement(context, path, now);
          context.syncs().changed(path.getParent());
        } catch (IOException e) {
          return failAll(changes, IoMessages.describe(e));
        }
      }
    }
    return Result.of(desired(), changes, apply, "");
  }

  /** The path is the right kind (or its kind is unmanaged): correct property by property. */
  private Result correct(ApplyContext context, Path path, Observed now, boolean apply) {
    List<Change> changes = new ArrayList<>();
    if (now.kind() == FileKind.ABSENT) {
      return Result.inSync(desired());
    }
    UserPrincipal wantedOwner;
    GroupPrincipal wantedGroup;
    try {
      // Unknown names fail before anything changes, in noop too.
      wantedOwner = owner(path);
      wantedGroup = group(path);
    } catch (IOException e) {
      return Result.failed(desired(), changes, IoMessages.describe(e));
    }
    try {
      // Compared byte for byte, not by digest: the same verdict (the desired value is the
      // digest of these bytes) without hashing every file on a run where nothing changed.
      // Content is always read, whatever the size and mtime say.
      boolean contentManaged = content != null && spec.replace();
      byte[] old = contentManaged ? Files.readAllBytes(path) : null;
      if (contentManaged && !Arrays.equals(old, content)) {
        String before = "sha256:" + Sha256.hex(old);
        if (!before.equals(desired().get("content"))) {
          changes.add(change("content", before, desired().get("content"),
              diff(old, content), apply));
          if (apply) {
            // Keep what is not managed as it was; what is managed is fixed in the same write
            // (so the new content is never visible with a wrong mode). Mode, owner and group
            // are still compared below against what was observed, so their drift is reported.
            AtomicFiles.Attributes attributes = new AtomicFiles.Attributes(
                spec.mode() != null ? Modes.parse(spec.mode()) : now.permissions(),
                ownerOr(path, now.owner()), groupOr(path, now.group()));
            if (validation != null) {
              try (AtomicFiles.Staged staged = AtomicFiles.stage(path, out -> out.write(content))) {
                validation.check(context.host(), staged.file());
                context.backups().keep(spec.path(), old, now.permissions());
                staged.commit(attributes);
              }
            } else {
              context.backups().keep(spec.path(), old, now.permissions());
              AtomicFiles.write(path, content, attributes, context.syncs());
            }
          }
        }
      }
      if (spec.source() != null && spec.replace()) {
        Result failed = correctSource(context, path, now, apply, changes);
        if (failed != null) {
          return failed;
        }
      }
      if (spec.target() != null && !spec.target().equals(now.linkTarget())) {
        changes.add(change("target", now.linkTarget(), spec.target(), "", apply));
        if (apply) {
          AtomicFiles.symlink(path, spec.target(), context.syncs());
          now = Observed.of(path);
        }
      }
      if (desired().containsKey("mode") && now.kind() != FileKind.LINK
          && !spec.modeFor(now.kind()).equals(now.mode())) {
        String mode = spec.modeFor(now.kind());
        changes.add(change("mode", now.mode(), mode, "", apply));
        if (apply) {
          view(path).setPermissions(Modes.parse(mode));
        }
      }
      if (spec.owner() != null && !spec.owner().equals(now.owner())) {
        changes.add(change("owner", now.owner(), spec.owner(), "", apply));
        if (apply) {
          view(path).setOwner(wantedOwner);
        }
      }
      if (spec.group() != null && !spec.group().equals(now.group())) {
        changes.add(change("group", now.group(), spec.group(), "", apply));
        if (apply) {
          view(path).setGroup(wantedGroup);
        }
      }
    } catch (IOException e) {
      String why = IoMessages.describe(e);
      if (!changes.isEmpty()) {
        Change last = changes.remove(changes.size() - 1);
        changes.add(last.failed(why));
      }
      return Result.failed(desired(), changes, why);
    }
    // Nothing to enforce and nothing to remove: no need to read the tree.
    if (spec.recurse() && now.kind() == FileKind.DIRECTORY
        && (spec.purge() || !spec.beneath().isEmpty())) {
      return recurse(context, path, apply, wantedOwner, wantedGroup, changes);
    }
    return Result.of(desired(), changes, apply, "");
  }

  /** After the directory itself: what lies beneath it ({@code recurse}, {@code purge}). */
  private Result recurse(ApplyContext context, Path path, boolean apply, UserPrincipal owner,
      GroupPrincipal group, List<Change> changes) {
    Set<String> managed = managedBeneath;
    if (managed == null) {
      if (spec.purge()) {
        return Result.failed(desired(), changes, "purge: the other resources of the catalog"
            + " are not known, so nothing beneath " + spec.path() + " is removed");
      }
      managed = Set.of();
    }
    try {
      DirectoryTree tree = new DirectoryTree(spec, managed, context, apply, owner, group,
          changes);
      String failure = tree.walk(path);
      Result result = Result.of(desired(), changes, apply, failure);
      String note = tree.note();
      if (!note.isEmpty()) {
        LOG.info(() -> "notice: file[" + spec.path() + "]: " + note);
        result = result.withNote(note);
      }
      return result;
    } catch (IOException e) {
      return Result.failed(desired(), changes, IoMessages.describe(e));
    }
  }

  /** The titles of file resources strictly beneath this one's path. */
  private Set<String> beneath(Set<ResourceKey> managed) {
    String prefix = spec.path().endsWith("/") ? spec.path() : spec.path() + "/";
    Set<String> out = new HashSet<>();
    for (ResourceKey key : managed) {
      if (key.type().equals("file") && key.title().startsWith(prefix)
          && key.title().length() > prefix.length()) {
        out.add(key.title());
      }
    }
    return Set.copyOf(out);
  }

  /**
   * Compares the file's checksum with the catalog's and, only when they differ (and not in
   * noop), fetches the source and writes it as inline content is written. Returns the failed
   * result when the fetch fails (nothing was changed), else null.
   */
  private Result correctSource(ApplyContext context, Path path, Observed now, boolean apply,
      List<Change> changes) throws IOException {
    // Hashed in pieces, not read whole: a large source costs no memory when it is in sync.
    String before = SourceFiles.checksum(path);
    if (before.equals(spec.checksum())) {
      return null;
    }
    if (!apply) {
      changes.add(change("content", before, spec.checksum(), "", false));
      return null;
    }
    AtomicFiles.Staged staged;
    try {
      staged = stageSource(context, path);
    } catch (IOException e) {
      String why = IoMessages.describe(e);
      changes.add(change("content", before, spec.checksum(), "", true).failed(why));
      return Result.failed(desired(), changes, why);
    }
    try (staged) {
      changes.add(change("content", before, spec.checksum(),
          sourceDiff(path, staged.file()), true));
      if (validation != null) {
        try {
          validation.check(context.host(), staged.file());
        } catch (IOException e) {
          Change last = changes.remove(changes.size() - 1);
          changes.add(last.failed(e.getMessage()));
          return Result.failed(desired(), changes, e.getMessage());
        }
      }
      context.backups().keep(spec.path(), path, now.permissions());
      // As for inline content: unmanaged attributes kept, managed ones set in the same write.
      staged.commit(new AtomicFiles.Attributes(
          spec.mode() != null ? Modes.parse(spec.mode()) : now.permissions(),
          ownerOr(path, now.owner()), groupOr(path, now.group())));
    }
    return null;
  }

  /**
   * The source, fetched into a staged file beside {@code path} as it streams (a large file is
   * never held in memory) and checked against the catalog's checksum; not yet visible.
   */
  private AtomicFiles.Staged stageSource(ApplyContext context, Path path) throws IOException {
    return SourceFetch.stage(context, path, spec.source(), spec.checksum(), spec.sourceCa());
  }

  /** A diff for the report when both sides are small enough for one to be worth reading. */
  private String sourceDiff(Path old, Path fetched) throws IOException {
    if (!spec.showDiff() || (old != null && Files.size(old) > SOURCE_DIFF_BYTES)
        || Files.size(fetched) > SOURCE_DIFF_BYTES) {
      return "";
    }
    return UnifiedDiff.of(spec.path(), old == null ? new byte[0] : Files.readAllBytes(old),
        Files.readAllBytes(fetched));
  }

  /** A diff for the report, unless {@code show_diff} keeps content out of reports. */
  private String diff(byte[] old, byte[] now) {
    return spec.showDiff() ? UnifiedDiff.of(spec.path(), old, now) : "";
  }

  /** Removes a staged file that was not committed; a failure to remove is not the run's. */
  private static void discard(AtomicFiles.Staged staged) {
    if (staged != null) {
      try {
        staged.close();
      } catch (IOException e) {
        // A leftover dot-file named *.stead-tmp: harmless, and the next write makes its own.
      }
    }
  }

  /** Properties that come along when the path is created: reported from {@code absent}. */
  private void addCreated(List<Change> changes, boolean apply) {
    for (String property : List.of("mode", "owner", "group")) {
      String value = desired().get(property);
      if (value != null) {
        changes.add(change(property, "absent", value, "", apply));
      }
    }
  }

  private static Change change(String property, String before, String after, String diff,
      boolean apply) {
    return apply ? Change.applied(property, before, after, diff)
        : Change.wouldApply(property, before, after, diff);
  }

  private Result failAll(List<Change> changes, String why) {
    List<Change> failed = new ArrayList<>();
    for (Change c : changes) {
      failed.add(c.failed(why));
    }
    return Result.failed(desired(), failed, why);
  }

  /** Clears the way for a new object at {@code path}, keeping file content in the backups. */
  private void removeForReplacement(ApplyContext context, Path path, Observed now)
      throws IOException {
    switch (now.kind()) {
      case ABSENT:
        return;
      case FILE:
        context.backups().keep(spec.path(), path, now.permissions());
        if (spec.ensure() == FileKind.ABSENT || spec.ensure() == FileKind.DIRECTORY) {
          Files.delete(path);
        }
        return;
      case DIRECTORY:
        TreeRemoval.remove(path, spec.path(), context.backups());
        return;
      default:
        // A link or a special file: the atomic rename replaces a link or file in place;
        // only removal and directories need it gone first.
        if (spec.ensure() == FileKind.ABSENT || spec.ensure() == FileKind.DIRECTORY
            || now.kind() == FileKind.OTHER) {
          Files.delete(path);
        }
    }
  }

  private void setOwnership(Path path) throws IOException {
    UserPrincipal owner = owner(path);
    GroupPrincipal group = group(path);
    if (owner != null) {
      view(path).setOwner(owner);
    }
    if (group != null) {
      view(path).setGroup(group);
    }
  }

  private static PosixFileAttributeView view(Path path) {
    return Files.getFileAttributeView(path, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
  }

  private UserPrincipal owner(Path path) throws IOException {
    return spec.owner() == null ? null : lookupUser(path, spec.owner());
  }

  private GroupPrincipal group(Path path) throws IOException {
    return spec.group() == null ? null : lookupGroup(path, spec.group());
  }

  private UserPrincipal ownerOr(Path path, String current) throws IOException {
    return lookupUser(path, spec.owner() != null ? spec.owner() : current);
  }

  private GroupPrincipal groupOr(Path path, String current) throws IOException {
    return lookupGroup(path, spec.group() != null ? spec.group() : current);
  }

  private static UserPrincipal lookupUser(Path path, String name) throws IOException {
    try {
      return lookup(path).lookupPrincipalByName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException("no such user: " + name, e);
    }
  }

  private static GroupPrincipal lookupGroup(Path path, String name) throws IOException {
    try {
      return lookup(path).lookupPrincipalByGroupName(name);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException("no such group: " + name, e);
    }
  }

  private static UserPrincipalLookupService lookup(Path path) {
    return path.getFileSystem().getUserPrincipalLookupService();
  }
}
