package dev.stead.master;

import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.MasterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One master with the CA role per store: two would both sign and both write the CRL. A master
 * starting with the CA role asks the {@link MasterRegistry} first and is refused while another
 * CA master there is alive, naming it; then it takes the store's CA lock, which settles two CA
 * masters starting in the same moment, before either has written its record.
 */
final class CaClaim {
  /**
   * How long after its last heartbeat a CA master's claim lapses: a bit over three beats, so a
   * heartbeat late by a second or a database away for a moment does not free it, while a killed
   * CA master can be replaced ten seconds after it died.
   */
  static final Duration LAPSE = Duration.ofSeconds(10);

  private CaClaim() {}

  /**
   * Claims the CA role, refused when another master with the CA role, at an address other
   * than {@code own}, was seen within {@link #LAPSE} or holds the store's CA lock.
   *
   * @param own the address this master registers, or null when it is not known yet (a port
   *     chosen by the system at binding): no live master can hold the port it will get
   * @return the CA lock, held until closed
   * @throws IOException naming the other master, how long ago it was seen and what to do
   */
  static CaRoleLock claim(MasterRegistry registry, String own, Clock clock) throws IOException {
    long now = clock.millis();
    Optional<MasterRecord> other = registry.masters().stream()
        .filter(MasterRecord::ca)
        .filter(m -> !m.address().equals(own))
        .filter(m -> now - m.lastSeenMs() < LAPSE.toMillis())
        .findFirst();
    if (other.isPresent()) {
      // Another machine's clock may be a little ahead: never say "seen -1 s ago".
      long ago = Math.max(0, now - other.get().lastSeenMs()) / 1000;
      throw new IOException("the master at " + other.get().address() + " holds the CA role on"
          + " this store (last seen " + ago + " s ago): start this master with --no-ca, or stop"
          + " that one first (a CA master killed without stopping gives up the role "
          + LAPSE.toSeconds() + " s after its last heartbeat)");
    }
    return registry.tryLockCaRole().orElseThrow(() -> new IOException("another master is"
        + " taking the CA role on this store at this moment (it holds the store's CA lock and"
        + " has not registered yet; `stead masters` shows it in a few seconds): start this"
        + " master with --no-ca, or stop that one first"));
  }
}
