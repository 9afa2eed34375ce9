package dev.stead.agent.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the absolute paths a catalog manages onto a root directory ({@code --root}) without
 * ever letting a symbolic link lead out of it. Every directory on the way is resolved one
 * component at a time, without following links implicitly; a link on the way is followed only
 * when its destination stays under the root, otherwise the lookup fails with
 * {@link RootEscapeException}. The last component is never followed: a link there is the
 * managed object itself. With root {@code /} this is plain path resolution.
 *
 * <p>The check and the later use are not one atomic step: someone who can swap directories
 * under the root while the agent runs can still race it. It guards against links that are
 * already there, which is what a sandbox needs. Thread-safe.
 */
public final class RootedPaths {
  private static final int MAX_LINKS = 40;

  private final Path root;
  private final boolean hostRoot;
  /** Under the root {@code /}: parent directory as named → as resolved, see forgetResolved. */
  private final Map<String, Path> resolvedDirectories = new ConcurrentHashMap<>();

  /** {@code root} must be an existing directory; it is resolved to its real path once. */
  public RootedPaths(Path root) throws IOException {
    this.root = root.toRealPath();
    if (!Files.isDirectory(this.root)) {
      throw new IOException("root is not a directory: " + root);
    }
    this.hostRoot = this.root.getParent() == null;
  }

  public Path root() {
    return root;
  }

  /** The managed path, as the catalog names it, for a path this class returned. */
  public String managedName(Path resolved) {
    if (hostRoot) {
      return resolved.toString();
    }
    return "/" + root.relativize(resolved);
  }

  /**
   * Resolves {@code absolutePath} (a resource title such as {@code /etc/motd}) under the root.
   * The result's parent chain contains no symbolic links and lies under the root.
   *
   * @throws IllegalArgumentException when the path is not absolute or contains {@code .} or
   *     {@code ..} components (the compiler rejects those; a hand-made catalog might not)
   * @throws RootEscapeException when a link on the way leads out of the root
   */
  public Path resolve(String absolutePath) throws IOException {
    if (!absolutePath.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + absolutePath);
    }
    List<String> parts = components(absolutePath);
    for (String part : parts) {
      if (part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("path must not contain . or ..: " + absolutePath);
      }
    }
    if (parts.isEmpty()) {
      return root;
    }
    List<String> above = parts.subList(0, parts.size() - 1);
    Path parent;
    if (hostRoot) {
      String dir = String.join("/", above);
      parent = resolvedDirectories.get(dir);
      if (parent == null) {
        parent = walk(root, above, new int[1]);
        resolvedDirectories.put(dir, parent);
      }
    } else {
      parent = walk(root, above, new int[1]);
    }
    return parent.resolve(parts.get(parts.size() - 1));
  }

  /**
   * Forgets the directories resolved so far: call it after anything that may have changed
   * the file system (a resource that changed, failed or was refreshed), so a link made since
   * is followed. Only under the root {@code /} are they remembered at all: there no link can
   * lead out, so the walk guards nothing and only finds physical paths, and a thousand files
   * in a few directories need not lstat every ancestor of every file.
   */
  public void forgetResolved() {
    resolvedDirectories.clear();
  }

  /** Walks {@code parts} from {@code start}, following every link, staying under the root. */
  private Path walk(Path start, List<String> parts, int[] links) throws IOException {
    Path current = start;
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (current.equals(root)) {
          if (hostRoot) {
            continue;
          }
          throw new RootEscapeException("a path component `..` leads out of the root " + root);
        }
        current = current.getParent();
        continue;
      }
      Path candidate = current.resolve(part);
      if (!Files.isSymbolicLink(candidate)) {
        current = candidate;
        continue;
      }
      if (++links[0] > MAX_LINKS) {
        throw new IOException("too many levels of symbolic links at " + managedName(candidate));
      }
      Path target = Files.readSymbolicLink(candidate);
      if (target.isAbsolute()) {
        Path normal = target.normalize();
        if (!normal.startsWith(root)) {
          throw escape(candidate, target);
        }
        current = walk(root, components(root.relativize(normal).toString()), links);
      } else {
        try {
          current = walk(current, components(target.toString()), links);
        } catch (RootEscapeException e) {
          throw escape(candidate, target);
        }
      }
    }
    return current;
  }

  private RootEscapeException escape(Path link, Path target) {
    return new RootEscapeException("refusing to follow the symbolic link " + managedName(link)
        + " -> " + target + ": it leads out of the root " + root);
  }

  private static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return out;
  }
}
