package dev.stead.master;

import dev.stead.master.ca.CertificateAuthority;
import dev.stead.master.code.CompiledVersions;
import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.MasterRegistry;
import dev.stead.master.storage.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps this master's record in the {@link MasterRegistry} fresh: written once at start, then
 * every {@link #INTERVAL}, with the code versions it compiled since. A failed write (the
 * database away for a moment) is logged and tried again at the next beat: the master goes on
 * serving. Closed with the master, it removes the record: a master that stopped cleanly holds
 * no claim (to the CA role, {@link CaClaim}); a killed one's record stays and ages.
 */
final class MasterHeartbeat implements AutoCloseable {
  /** How often a master says it is alive; `stead masters` shows how long ago it last did. */
  static final Duration INTERVAL = Duration.ofSeconds(3);
  private static final Logger LOG = Logger.getLogger(MasterHeartbeat.class.getName());

  private final MasterRegistry registry;
  private final CaRoleLock caLock;
  /** The CA this master signs with; its signing stops while the lock is lost. */
  private final CertificateAuthority ca;
  private final CompiledVersions versions;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private volatile MasterRecord record;
  private volatile boolean failing;
  private volatile boolean caLockLost;

  private MasterHeartbeat(MasterRegistry registry, MasterRecord record, CaRoleLock caLock,
      CertificateAuthority ca, CompiledVersions versions, Clock clock) {
    this.registry = registry;
    this.caLock = caLock;
    this.ca = ca;
    this.record = record;
    this.versions = versions;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stead-master-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Registers the master at {@code address} now and keeps its record fresh.
   *
   * @param caLock the CA role's lock this master holds, renewed with every beat; null for a
   *     master without the CA role
   * @param ca the CA: it stops signing while {@code caLock} is lost, and signs again once it
   *     is held again
   */
  static MasterHeartbeat start(MasterRegistry registry, String address, CaRoleLock caLock,
      CertificateAuthority ca, CompiledVersions versions, Clock clock) {
    long now = clock.millis();
    MasterHeartbeat beat = new MasterHeartbeat(registry,
        new MasterRecord(address, ca.holdsKey(), Map.of(), now, now), caLock, ca, versions,
        clock);
    registry.heartbeat(beat.record); // a start that cannot register fails like any store write
    beat.timer.scheduleWithFixedDelay(beat::beat, INTERVAL.toMillis(), INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return beat;
  }

  private void beat() {
    renewCaLock();
    MasterRecord next = record.seen(versions.now(), clock.millis());
    try {
      registry.heartbeat(next);
      record = next;
      if (failing) {
        LOG.info(() -> "master registry: heartbeat of " + next.address() + " written again");
        failing = false;
      }
    } catch (StoreException e) {
      if (!failing) {
        LOG.warning(() -> "master registry: cannot write the heartbeat of " + next.address()
            + " (trying again every " + INTERVAL.toSeconds() + " s): " + e.getMessage());
        failing = true;
      }
    }
  }

  private void renewCaLock() {
    if (caLock == null) {
      return;
    }
    boolean held = caLock.renew();
    if (!held && !caLockLost) {
      ca.suspendSigning("it lost the store's CA lock to another master (its database session"
          + " ended), and signs again once it holds the lock");
      LOG.severe(() -> "master registry: " + record.address() + " lost the store's CA lock (its"
          + " database session ended and another master holds it now): it signs nothing until"
          + " it holds the lock again; stop one of the two CA masters");
    } else if (held && caLockLost) {
      ca.resumeSigning();
      LOG.info(() -> "master registry: " + record.address() + " holds the store's CA lock"
          + " again and signs again");
    }
    caLockLost = !held;
  }

  /** Stops the beats, then removes this master's record (a beat in flight ends first). */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warning(() -> "master registry: a heartbeat of " + record.address()
            + " is still being written; removing its record all the same");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      registry.forget(record.address());
    } catch (StoreException e) {
      LOG.warning(() -> "master registry: cannot remove the record of " + record.address()
          + " (it stays, aging, in `stead masters`): " + e.getMessage());
    }
  }
}
