package dev.stead.master.storage;

import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract test of a store interface shares: a fresh, empty store of the backend
 * under test before each test, closed after it. A backend's test class extends each contract
 * (as a {@code @Nested} class) and says how to open its store.
 */
abstract class StoreContract {
  protected Store store;

  /**
   * The backend's store for this test: empty when first opened, and the same data when
   * opened again after {@link #store} was closed.
   */
  protected abstract Store openStore() throws Exception;

  @BeforeEach
  void openFreshStore() throws Exception {
    store = openStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  /** Closes the store and opens it again, as a master restart does. */
  protected final void reopen() throws Exception {
    store.close();
    store = openStore();
  }

  static Report report(String id, String node, long startedAt, RunStatus status,
      String... resources) {
    Report.Builder report = Report.newBuilder().setId(id).setNode(node).setStartedAtMs(startedAt)
        .setStatus(status).setSummary(ReportSummary.newBuilder().setResources(5)
            .setDriftEvents(status == RunStatus.CHANGED_RUN ? 1 : 0));
    for (String resource : resources) {
      report.addResources(ResourceResult.newBuilder().setKey(resource)
          .addEvents(Event.newBuilder().setProperty("content").setBefore("a").setAfter("b")));
    }
    return report.build();
  }
}
