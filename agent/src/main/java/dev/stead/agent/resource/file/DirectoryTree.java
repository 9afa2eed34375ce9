package dev.stead.agent.resource.file;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Change;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code recurse} and {@code purge} beneath one directory resource: what lies under it gets
 * the resource's owner, group and mode, or is removed when no {@code file} resource manages
 * it. A path another {@code file} resource manages belongs to that resource with everything
 * under it (as Puppet drops generated children beneath another file resource), so two
 * recursing resources never fight over a file. Links are never followed: a link is itself a
 * child (its owner is set with lchown, its mode is not), and a directory is entered only when
 * it is one, so the walk stays under the directory and therefore under the root.
 *
 * <p>Each child's change is one event named after the resource-wide property it serves,
 * {@code recurse} or {@code purge}: its {@code before} names the child and what was there,
 * its {@code after} is the property's desired value, so drift is told per property like any
 * other. A failure on one child is reported on its event and the walk goes on. One per check.
 */
final class DirectoryTree {
  private final FileSpec spec;
  /** Titles of the other file resources strictly beneath the directory. */
  private final Set<String> managed;
  /** Every directory on the way from the resource to a managed path: kept when purging. */
  private final Set<String> holdsManaged = new HashSet<>();
  private final ApplyContext context;
  private final boolean apply;
  private final UserPrincipal owner;
  private final GroupPrincipal group;
  private final List<Change> changes;
  private String failure = "";
  /** Unmanaged subdirectories purge left for want of {@code force}, by managed name. */
  private final List<String> leftAlone = new ArrayList<>();

  DirectoryTree(FileSpec spec, Set<String> managed, ApplyContext context, boolean apply,
      UserPrincipal owner, GroupPrincipal group, List<Change> changes) {
    this.spec = spec;
    this.managed = managed;
    this.context = context;
    this.apply = apply;
    this.owner = owner;
    this.group = group;
    this.changes = changes;
    for (String path : managed) {
      String parent = parentName(path);
      while (parent != null && parent.length() > spec.path().length()) {
        holdsManaged.add(parent);
        parent = parentName(parent);
      }
    }
  }

  /**
   * Walks the tree under {@code dir} (the resource's own directory, resolved), adding changes;
   * returns the first failure, or empty.
   */
  String walk(Path dir) throws IOException {
    visit(dir, spec.path(), 1);
    return failure;
  }

  /**
   * What the walk left as it was and the report should say, or empty: unmanaged
   * subdirectories that purge does not remove without {@code force} (as Puppet, which notes
   * them and goes on).
   */
  String note() {
    if (leftAlone.isEmpty()) {
      return "";
    }
    return "purge left " + (leftAlone.size() == 1 ? "the unmanaged directory " : "the unmanaged"
        + " directories ") + String.join(", ", leftAlone) + " as it is (set force to remove"
        + (leftAlone.size() == 1 ? " it" : " them") + " with everything in "
        + (leftAlone.size() == 1 ? "it)" : "them)");
  }

  /** Visits the entries of {@code dir}, which lie {@code depth} levels beneath the resource. */
  private void visit(Path dir, String name, int depth) throws IOException {
    for (Path child : sortedChildren(dir)) {
      String childName = (name.endsWith("/") ? name : name + "/") + child.getFileName();
      if (managed.contains(childName)) {
        continue;
      }
      Observed now = Observed.of(child);
      if (now.kind() == FileKind.ABSENT) {
        continue; // gone since the listing
      }
      if (spec.purge() && !holdsManaged.contains(childName)) {
        purge(child, childName, now);
        continue;
      }
      enforce(child, childName, now);
      if (now.kind() == FileKind.DIRECTORY
          && (spec.recurseLimit() == 0 || depth < spec.recurseLimit())) {
        visit(child, childName, depth + 1);
      }
    }
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    }
    children.sort(null); // a stable order of events
    return children;
  }

  private void purge(Path child, String childName, Observed now) {
    String before = childName + ": " + now.kind().token();
    if (now.kind() == FileKind.DIRECTORY && !spec.force()) {
      // Not a change: nothing is done to it, in this run or the next, until force is set.
      leftAlone.add(childName);
      return;
    }
    if (!apply) {
      changes.add(Change.wouldApply("purge", before, "absent", ""));
      return;
    }
    Change change = Change.applied("purge", before, "absent", "");
    try {
      if (now.kind() == FileKind.DIRECTORY) {
        TreeRemoval.remove(child, childName, context.backups());
      } else {
        if (now.kind() == FileKind.FILE) {
          context.backups().keep(childName, child, now.permissions());
        }
        Files.delete(child);
      }
      changes.add(change);
    } catch (IOException e) {
      fail(change, IoMessages.describe(e));
    }
  }

  private void enforce(Path child, String childName, Observed now) {
    String mode = null;
    if (spec.mode() != null && now.kind() != FileKind.LINK) {
      mode = now.kind() == FileKind.DIRECTORY ? Modes.forDirectory(spec.mode()) : spec.mode();
    }
    List<String> differs = new ArrayList<>();
    boolean fixMode = mode != null && !mode.equals(now.mode());
    boolean fixOwner = spec.owner() != null && !spec.owner().equals(now.owner());
    boolean fixGroup = spec.group() != null && !spec.group().equals(now.group());
    if (fixMode) {
      differs.add("mode " + now.mode());
    }
    if (fixOwner) {
      differs.add("owner " + now.owner());
    }
    if (fixGroup) {
      differs.add("group " + now.group());
    }
    if (differs.isEmpty()) {
      return;
    }
    String before = childName + ": " + String.join(", ", differs);
    if (!apply) {
      changes.add(Change.wouldApply("recurse", before, spec.beneath(), ""));
      return;
    }
    Change change = Change.applied("recurse", before, spec.beneath(), "");
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(child,
          PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (fixOwner) {
        view.setOwner(owner);
      }
      if (fixGroup) {
        view.setGroup(group);
      }
      if (fixMode) {
        view.setPermissions(Modes.parse(mode));
      }
      changes.add(change);
    } catch (IOException e) {
      fail(change, IoMessages.describe(e));
    }
  }

  private void fail(Change change, String why) {
    changes.add(change.failed(why));
    if (failure.isEmpty()) {
      failure = why;
    }
  }

  private static String parentName(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? null : path.substring(0, slash);
  }
}
