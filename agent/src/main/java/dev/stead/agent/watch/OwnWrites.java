package dev.stead.agent.watch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tells the agent's own writes from others': as soon as a resource that wrote finishes, the
 * daemon records how each path it manages looks (inode, size, modification and change
 * times); a later event for a path that still looks exactly so was caused by the agent, and
 * checking it again would only find it in sync. Anyone else's write, even in the same second,
 * moves the change time (nanoseconds on Linux file systems). A write by someone else in the
 * instant between the agent's write and the end of that resource is taken for the agent's
 * own: the next scheduled run sees it. Thread-safe: written by the converging thread, read by
 * the daemon's.
 */
final class OwnWrites {
  /** Paths beneath one recursive directory recorded at most. */
  private static final int MAX_BENEATH = 10_000;
  private static final Object ABSENT = "absent";

  private final Map<Path, Object> stamps = new HashMap<>();

  /** Records how {@code paths}, and everything beneath {@code trees}, look now. */
  synchronized void wrote(Collection<Path> paths, Collection<Path> trees) {
    for (Path p : paths) {
      stamps.put(p, stamp(p));
    }
    for (Path root : trees) {
      try (Stream<Path> tree = Files.walk(root)) {
        tree.limit(MAX_BENEATH).forEach(p -> stamps.put(p, stamp(p)));
      } catch (IOException | UncheckedIOException e) {
        // gone or unreadable: events beneath it are checked
      }
    }
  }

  /** Whether {@code path} still looks as the agent left it. */
  synchronized boolean isOurs(Path path) {
    Object recorded = stamps.get(path);
    return recorded != null && recorded.equals(stamp(path));
  }

  /** Forgets paths no longer watched. */
  synchronized void retain(Set<Path> watched) {
    stamps.keySet().removeIf(p -> !watched.contains(p) && !underAny(p, watched));
  }

  private static boolean underAny(Path p, Set<Path> roots) {
    for (Path q = p.getParent(); q != null; q = q.getParent()) {
      if (roots.contains(q)) {
        return true;
      }
    }
    return false;
  }

  static Object stamp(Path path) {
    try {
      return Files.readAttributes(path, "unix:ino,size,lastModifiedTime,ctime",
          LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      try {
        var a = Files.readAttributes(path, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        return List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey()));
      } catch (IOException e2) {
        return ABSENT;
      }
    } catch (IOException e) {
      return ABSENT;
    }
  }
}
