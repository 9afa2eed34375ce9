package dev.stead.master.schedule;

import dev.stead.master.storage.NodeActivity;
import dev.stead.master.storage.NodeStore;
import dev.stead.proto.v1.RunSlot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The run slot the master gives each node with its catalog: a {@link SlotTable} of the nodes in
 * the store, cached, so a catalog request costs one lookup. The known nodes are those of the node
 * list that reported within {@link #LEAVE_AFTER} (or never reported yet: they have just joined); a
 * node silent for longer has left, and its slot goes to the others.
 *
 * <p>The table is rebuilt from the store in the background, never on the request's thread (but the
 * first): soon after a node not in it asks (a node joined; at most one rebuild per {@link
 * #JOIN_PAUSE}, which bounds the cost while a whole fleet enrolls), and when a request finds it
 * older than {@link #REFRESH} otherwise (nodes that joined through another master on a shared
 * store, or left). Meanwhile a new node gets the slot it will have. Masters on one store thus
 * agree within {@link #REFRESH} after a change. {@link #close} stops the background rebuilds
 * before the store they read closes. With a file ({@link SlotTableFile}), a start answers
 * from the table the master stopped with and reads the node list {@link #FILE_REFRESH} later.
 * Thread-safe.
 */
public final class RunSlots implements AutoCloseable {
  /** A node whose last report is older has left the spread. */
  public static final Duration LEAVE_AFTER = Duration.ofDays(7);
  static final Duration REFRESH = Duration.ofSeconds(60);
  static final Duration JOIN_PAUSE = Duration.ofSeconds(1);
  /** A table read back from the file is refreshed from the node list this long after. */
  static final Duration FILE_REFRESH = Duration.ofSeconds(10);
  /** The file is written again at most this often as the table is rebuilt (and at close). */
  static final Duration SAVE_INTERVAL = Duration.ofMinutes(5);
  private static final Logger LOG = Logger.getLogger(RunSlots.class.getName());

  private final NodeStore store;
  private final Clock clock;
  private final Path file;
  private volatile long savedAtMillis;
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private volatile Built current;
  private volatile boolean closed;

  /**
   * A table, when it was built and when it is to be read again from the node list; whether it
   * came from the file (so writing it back would change nothing).
   */
  private record Built(SlotTable table, long atMillis, long refreshAtMillis, boolean fromFile) {
    static Built fromStore(SlotTable table, long now) {
      return new Built(table, now, now + REFRESH.toMillis(), false);
    }
  }

  public RunSlots(NodeStore store, Clock clock) {
    this(store, clock, null);
  }

  /**
   * As above, keeping the table in {@code file} between starts (null: no file): a start
   * answers from the table it stopped with and reads the node list {@link #FILE_REFRESH}
   * later, in the background. The table is written at {@link #close} and, as it is rebuilt,
   * at most every {@link #SAVE_INTERVAL}.
   */
  public RunSlots(NodeStore store, Clock clock, Path file) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.file = file;
  }

  /** The slot of {@code node} now. */
  public RunSlot slotOf(String node) {
    Built built = current;
    if (built == null) {
      built = first(); // the first request builds the table; later ones never wait
    }
    long now = clock.millis();
    long age = now - built.atMillis();
    if (now >= built.refreshAtMillis()) {
      rebuildSoon(0);
    } else if (!built.table().contains(node)) {
      rebuildSoon(Math.max(0, JOIN_PAUSE.toMillis() - age));
    }
    return built.table().slotOf(node);
  }

  /**
   * The slot of {@code node} in the table as it stands, for listings: empty for a node that
   * has left the spread (or never asked for a catalog). Never waits for a rebuild but the
   * first; a table due one is rebuilt in the background, so that a master no agent asks (a
   * standby of a shared store) does not list the slots of its start for ever.
   */
  public Optional<RunSlot> assigned(String node) {
    Built built = current;
    if (built == null) {
      built = first();
    }
    if (clock.millis() >= built.refreshAtMillis()) {
      rebuildSoon(0);
    }
    return built.table().contains(node) ? Optional.of(built.table().slotOf(node))
        : Optional.empty();
  }

  /**
   * Builds the first table in the background (what the master does as it starts listening),
   * so that the first check-ins after a start do not read the node list themselves: with
   * 10,000 nodes that took ~0.45 s of a cold master's first answer. A request that comes
   * while it runs waits for it; one that comes after a failure builds the table itself.
   */
  public void preload() {
    Thread building = new Thread(() -> {
      try {
        first();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot read the node list to spread run slots ahead of the "
            + "first request; it reads it", e);
      }
    }, "run-slots-preload");
    building.setDaemon(true);
    building.start();
  }

  /**
   * The table, built now unless a build (the preload's) came first: read back from the file
   * when there is one, else from the node list.
   */
  private synchronized Built first() {
    Built built = current;
    if (built != null) {
      return built;
    }
    long start = System.nanoTime();
    if (file != null) {
      Optional<SlotTable> kept = SlotTableFile.read(file);
      if (kept.isPresent()) {
        long now = clock.millis();
        built = new Built(kept.get(), now, now + FILE_REFRESH.toMillis(), true);
        current = built;
        LOG.info(String.format("run slots: %d nodes share the run interval (as at the last "
            + "stop, read from %s in %d ms; the node list is read in %d s)",
            built.table().size(), file.getFileName(), (System.nanoTime() - start) / 1_000_000,
            FILE_REFRESH.toSeconds()));
        return built;
      }
    }
    built = rebuild();
    // Once per start: what reading the node list costs is what a large fleet's start pays.
    LOG.info(String.format("run slots: %d nodes share the run interval (node list read in "
        + "%d ms)", built.table().size(), (System.nanoTime() - start) / 1_000_000));
    return built;
  }

  /** Reads the node list again now (what the background rebuild does). */
  public synchronized SlotTable refresh() {
    return rebuild().table();
  }

  private synchronized Built rebuild() {
    long now = clock.millis();
    long since = now - LEAVE_AFTER.toMillis();
    List<String> known = store.activity().stream()
        .filter(n -> n.lastReportMs() == 0 || n.lastReportMs() >= since)
        .map(NodeActivity::name).toList();
    Built built = Built.fromStore(SlotTable.of(known), now);
    current = built;
    if (file != null && now - savedAtMillis >= SAVE_INTERVAL.toMillis()) {
      save(built);
    }
    return built;
  }

  /** Writes {@code built} to the file; a failure is logged (the next start reads the list). */
  private void save(Built built) {
    try {
      SlotTableFile.write(file, built.table());
      savedAtMillis = clock.millis();
    } catch (IOException | RuntimeException e) {
      LOG.warning("cannot keep the run-slot table in " + file + ": " + e.getMessage());
    }
  }

  /** Rebuilds in the background after {@code delayMs}, unless a rebuild is already due. */
  private void rebuildSoon(long delayMs) {
    if (closed || !rebuilding.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture.runAsync(() -> {
      try {
        if (!closed) {
          rebuild();
        }
      } catch (RuntimeException e) {
        if (closed) {
          return; // the store closed under the rebuild: the master is stopping
        }
        LOG.log(Level.WARNING, "cannot read the node list to spread run slots; keeping the "
            + "slots as they were", e);
        Built kept = current;
        long now = clock.millis();
        current = new Built(kept.table(), now, now + REFRESH.toMillis(),
            kept.fromFile()); // try again after a pause
      } finally {
        rebuilding.set(false);
      }
    }, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS));
  }

  /**
   * No background rebuild starts after this, and one that the store's closing breaks is not
   * reported: called as the master stops, before its store closes. Requests still get slots
   * from the table as it stands.
   */
  @Override
  public void close() {
    closed = true;
    Built built = current;
    if (file != null && built != null && !built.fromFile()) {
      synchronized (this) {
        save(built);
      }
    }
  }
}
