package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link MasterRegistry}: one record per address, the latest heartbeat wins, sorted; a
 * forgotten address is gone, the others stay.
 */
abstract class MasterRegistryContract extends StoreContract {

  @Test
  void aHeartbeatReplacesTheRecordOfItsAddressAndMastersAreListedByAddress() {
    assertThat(store.masters()).isEmpty();
    store.heartbeat(new MasterRecord("b:8140", false, Map.of(), 10, 10));
    store.heartbeat(new MasterRecord("a:8140", true, Map.of(), 5, 5));
    store.heartbeat(new MasterRecord("b:8140", false, Map.of("production", "sha256:01"), 10,
        13));

    assertThat(store.masters()).containsExactly(
        new MasterRecord("a:8140", true, Map.of(), 5, 5),
        new MasterRecord("b:8140", false, Map.of("production", "sha256:01"), 10, 13));
  }

  @Test
  void forgetRemovesOnlyThatAddressAndAnUnknownOneIsNothing() {
    store.heartbeat(new MasterRecord("a:8140", true, Map.of(), 5, 5));
    store.heartbeat(new MasterRecord("b:8140", false, Map.of(), 6, 6));

    store.forget("a:8140");
    store.forget("never-registered:8140");

    assertThat(store.masters()).containsExactly(new MasterRecord("b:8140", false, Map.of(), 6,
        6));
    store.heartbeat(new MasterRecord("a:8140", true, Map.of(), 9, 9));
    assertThat(store.masters()).extracting(MasterRecord::address)
        .containsExactly("a:8140", "b:8140");
  }

  @Test
  void theCaLockIsHeldUntilClosedAndCanBeTakenAgainThen() {
    CaRoleLock lock = store.tryLockCaRole().orElseThrow();
    assertThat(lock.renew()).isTrue();
    lock.close();
    lock.close();

    CaRoleLock again = store.tryLockCaRole().orElseThrow();
    assertThat(again.renew()).isTrue();
    again.close();
  }
}
