package dev.stead.master.storage;

import java.util.List;

/**
 * The masters serving from one store, as each registers itself with a heartbeat
 * ({@code stead masters}). A store only one process opens (RocksDB) holds its own master
 * alone. Thread-safe.
 */
public interface MasterRegistry {

  /** Inserts or replaces the record of {@code master.address()}. */
  void heartbeat(MasterRecord master);

  /**
   * Removes the record of {@code address}, as a master does when it stops cleanly; nothing
   * when there is none.
   */
  void forget(String address);

  /** Every master registered, sorted by address, however long ago it was last seen. */
  List<MasterRecord> masters();

  /**
   * Takes the CA role for this process: empty when another process holds it now. Released
   * when closed, and by the store when its holder dies or stops renewing it for long.
   */
  java.util.Optional<CaRoleLock> tryLockCaRole();
}
