package dev.stead.agent.watch;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Watches the directories of a {@link WatchSet} with the platform's {@link WatchService}
 * (inotify on Linux) and hands each change that concerns a resource to a {@link Debouncer}.
 * When the kernel's event queue overflowed ({@code OVERFLOW}: changes were lost) the batch
 * checks everything. A watched directory that disappears takes its managed paths with it:
 * they count as changed. Directories that do not exist yet are registered by a later
 * {@link #follow} (the daemon calls it after every converge).
 *
 * <p>{@link #follow} and {@link #close} are called by one thread (the daemon's), events are
 * read by the watcher's own thread ({@link #start}) or, in tests, by {@link #pollOnce}.
 */
public final class PathWatcher implements Closeable {
  /** More directories than this are not watched (inotify watches are a per-user resource). */
  static final int MAX_DIRECTORIES = 4_096;

  private final WatchService service;
  private final Debouncer debouncer;
  private final Runnable wake;
  private final Consumer<String> log;
  private final Map<WatchKey, Path> directories = new ConcurrentHashMap<>();
  private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
  private volatile WatchSet set = WatchSet.EMPTY;
  private boolean warnedCap;
  private Thread thread;

  private PathWatcher(WatchService service, Debouncer debouncer, Runnable wake,
      Consumer<String> log) {
    this.service = service;
    this.debouncer = debouncer;
    this.wake = wake;
    this.log = log;
  }

  /**
   * A watcher feeding {@code debouncer}; {@code wake} runs after each change handed over,
   * {@code log} receives one-line warnings.
   */
  public static PathWatcher open(Debouncer debouncer, Runnable wake, Consumer<String> log)
      throws IOException {
    return new PathWatcher(FileSystems.getDefault().newWatchService(), debouncer, wake, log);
  }

  /** Watches what {@code next} needs (registering directories that now exist) and no more. */
  public void follow(WatchSet next) {
    set = next;
    Set<Path> wanted = new LinkedHashSet<>(next.directories());
    for (Path root : next.recursiveRoots()) {
      try (Stream<Path> tree = Files.walk(root)) {
        tree.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
            .limit(MAX_DIRECTORIES).forEach(wanted::add);
      } catch (IOException | UncheckedIOException e) {
        // not there yet (or unreadable): its parent's watch sees it appear
      }
    }
    keys.entrySet().removeIf(e -> {
      if (wanted.contains(e.getKey()) && e.getValue().isValid()) {
        return false;
      }
      e.getValue().cancel();
      directories.remove(e.getValue());
      return true;
    });
    for (Path dir : wanted) {
      if (keys.containsKey(dir)) {
        continue;
      }
      if (keys.size() >= MAX_DIRECTORIES) {
        if (!warnedCap) {
          warnedCap = true;
          log.accept("watching only the first " + MAX_DIRECTORIES + " directories of "
              + wanted.size() + "; changes elsewhere wait for the next run");
        }
        break;
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
        keys.put(dir, key);
        directories.put(key, dir);
      } catch (IOException e) {
        log.accept("cannot watch " + dir + ": " + e.getMessage());
      }
    }
  }

  /** The directories watched now. */
  public Set<Path> watched() {
    return Set.copyOf(keys.keySet());
  }

  /** Reads events on a thread of its own until {@link #close}. */
  public void start() {
    thread = new Thread(() -> {
      try {
        while (true) {
          pollOnce(Long.MAX_VALUE);
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        // closed: done
      }
    }, "stead-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits up to {@code timeoutMillis} for one directory with events and hands them over.
   *
   * @return whether a directory had events
   */
  boolean pollOnce(long timeoutMillis) throws InterruptedException {
    WatchKey key = service.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (key == null) {
      return false;
    }
    handle(key);
    return true;
  }

  /** Hands the events of {@code key} to the debouncer; package-private for tests. */
  void handle(WatchKey key) {
    long now = System.nanoTime();
    Path dir = directories.get(key);
    WatchSet current = set;
    boolean any = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        debouncer.overflowed(now);
        any = true;
        continue;
      }
      if (dir == null || !(event.context() instanceof Path name)) {
        continue;
      }
      Path path = dir.resolve(name);
      if (current.concerns(path)) {
        debouncer.touched(path, now);
        any = true;
      }
    }
    if (!key.reset() && dir != null) {
      // The directory went away (removed, renamed, unmounted): so did what it held.
      keys.remove(dir, key);
      directories.remove(key);
      for (Path gone : current.pathsUnder(dir)) {
        debouncer.touched(gone, now);
        any = true;
      }
    }
    if (any) {
      wake.run();
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
