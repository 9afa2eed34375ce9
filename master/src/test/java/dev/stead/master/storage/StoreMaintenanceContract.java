package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.RunStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StoreMaintenance}: sizes and counts that follow what was written. */
abstract class StoreMaintenanceContract extends StoreContract {

  @Test
  void countsFollowTheReportsStoredAndRetriesAreNotCounted() {
    StoreMaintenance maintenance = store;
    assertThat(maintenance.reportsAdded()).isZero();
    for (int i = 0; i < 50; i++) {
      store.addReport(report("r" + i, "a", 1000 + i, RunStatus.UNCHANGED));
    }
    store.addReport(report("r0", "a", 1000, RunStatus.UNCHANGED));
    store.flush();

    assertThat(maintenance.reportsAdded()).isEqualTo(50);
    assertThat(maintenance.reportCount()).isEqualTo(50);
  }

  @Test
  void aClosedStoreRefusesWithAStoreExceptionAndClosingTwiceIsHarmless() {
    store.close();
    store.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.node("a"))
        .isInstanceOf(StoreException.class).hasMessageContaining("closed");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> store.addReport(report("r", "a", 1, RunStatus.UNCHANGED)))
        .isInstanceOf(StoreException.class).hasMessageContaining("closed");
  }

  @Test
  void sizesGrowWithTheReportsWritten() {
    store.flush();
    Map<String, Long> before = store.sizes();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 500; i++) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < 2_000; c++) {
        text.append((char) ('!' + random.nextInt(90)));
      }
      store.addReport(report("r" + i, "a", 1000 + i, RunStatus.UNCHANGED).toBuilder()
          .setError(text.toString()).build());
    }
    store.flush();
    Map<String, Long> after = store.sizes();

    assertThat(after).containsKeys("total", "reports");
    // 500 reports of 2 KB of random text: at least 1 MB more on disk, most of it reports.
    assertThat(after.get("reports") - before.get("reports")).isGreaterThan(1_000_000L);
    assertThat(after.get("total")).isGreaterThanOrEqualTo(after.get("reports"));
  }
}
