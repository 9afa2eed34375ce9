package dev.stead.master.storage;

/**
 * The store's CA role, held by one process at a time: the check of the other masters'
 * heartbeats at start cannot tell two CA masters starting in the same second apart, a lock
 * the store itself grants can. Held until closed, or until the store takes it back from a
 * process that stopped renewing it.
 */
public interface CaRoleLock extends AutoCloseable {

  /**
   * Tells the store this process still holds the role, taking the lock again when the store
   * had dropped it (a database restart) or when the process that took it meanwhile let go;
   * false while another process holds it, and after {@link #close}.
   */
  boolean renew();

  /** Gives the role up; idempotent. */
  @Override
  void close();
}
