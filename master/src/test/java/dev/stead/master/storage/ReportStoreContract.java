package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link ReportStore}: stored once by id, queried newest first through every criterion,
 * expired by start time.
 */
abstract class ReportStoreContract extends StoreContract {
  private static final long DAY = 86_400_000L;

  @Test
  void aReportIsStoredOnceByIdEvenWhenTheRetryIsDatedDifferently() throws Exception {
    ReportStore reports = store;
    assertThat(reports.addReport(report("r1", "a", 1000, RunStatus.CHANGED_RUN))).isTrue();
    assertThat(reports.addReport(report("r1", "a", 2000, RunStatus.UNCHANGED))).isFalse();
    // A retry redated to another day (the master's clock) is still the same report.
    assertThat(reports.addReport(report("r1", "a", 3 * DAY, RunStatus.UNCHANGED))).isFalse();
    reopen();

    assertThat(store.addReport(report("r1", "a", 1000, RunStatus.CHANGED_RUN))).isFalse();
    assertThat(store.reports("a", 10)).extracting(Report::getStartedAtMs).containsExactly(1000L);
    assertThat(store.report("r1")).hasValueSatisfying(
        r -> assertThat(r.getStatus()).isEqualTo(RunStatus.CHANGED_RUN));
    assertThat(store.report("r2")).isEmpty();
  }

  @Test
  void concurrentSubmissionsOfOneIdStoreItExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 20; round++) {
        String id = "race" + round;
        List<Callable<Boolean>> submits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          long at = 1000 + round + i * DAY; // retries land on different days too
          submits.add(() -> store.addReport(report(id, "a", at, RunStatus.UNCHANGED)));
        }
        int stored = 0;
        for (Future<Boolean> done : pool.invokeAll(submits)) {
          stored += done.get() ? 1 : 0;
        }
        assertThat(stored).as(id).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.queryReports(ReportQuery.all(), 1_000)).hasSize(20);
  }

  @Test
  void refusesReportsWithoutIdOrNodeOrWithANegativeStart() {
    assertThatThrownBy(() -> store.addReport(report("", "a", 1, RunStatus.UNCHANGED)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.addReport(report("x", "", 1, RunStatus.UNCHANGED)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.addReport(report("x", "a", -1, RunStatus.UNCHANGED)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.queryReports(ReportQuery.all(), 10)).isEmpty();
  }

  @Test
  void reportsComeNewestFirstPerNodeAndOverall() {
    store.addReport(report("a1", "a", 1000, RunStatus.UNCHANGED));
    store.addReport(report("a3", "a", 3000, RunStatus.UNCHANGED));
    store.addReport(report("a2", "a", 2000, RunStatus.UNCHANGED));
    store.addReport(report("b1", "b", 2500, RunStatus.UNCHANGED));
    // "a" is a prefix of "ab": the node index must not mix them up.
    store.addReport(report("ab1", "ab", 9000, RunStatus.UNCHANGED));

    assertThat(store.reports("a", 10)).extracting(Report::getId)
        .containsExactly("a3", "a2", "a1");
    assertThat(store.reports("a", 1)).extracting(Report::getId).containsExactly("a3");
    assertThat(store.reports("b", 10)).extracting(Report::getId).containsExactly("b1");
    assertThat(store.reports("", 3)).extracting(Report::getId)
        .containsExactly("ab1", "a3", "b1");
    assertThat(store.reports("nobody", 10)).isEmpty();
    assertThat(store.reports("a", 0)).isEmpty();
  }

  @Test
  void reportsOfTheSameMillisecondComeInIdOrder() {
    store.addReport(report("c", "n", 5000, RunStatus.UNCHANGED));
    store.addReport(report("a", "n", 5000, RunStatus.UNCHANGED));
    store.addReport(report("b", "n", 5000, RunStatus.UNCHANGED));

    assertThat(store.queryReports(ReportQuery.all(), 10)).extracting(Report::getId)
        .containsExactly("a", "b", "c");
  }

  @Test
  void queriesUseEveryCriterionAndComeNewestFirst() {
    store.addReport(report("1", "web1", 1000, RunStatus.UNCHANGED));
    store.addReport(report("2", "web1", 2000, RunStatus.CHANGED_RUN, "file[/etc/motd]"));
    store.addReport(report("3", "web2", 3000, RunStatus.FAILED_RUN, "service[nginx]"));
    store.addReport(report("4", "web2", 4000, RunStatus.CHANGED_RUN, "file[/etc/motd]",
        "service[nginx]"));
    store.addReport(report("5", "db1", 5000, RunStatus.UNCHANGED));

    assertThat(store.queryReports(ReportQuery.all(), 10)).extracting(Report::getId)
        .containsExactly("5", "4", "3", "2", "1");
    assertThat(store.queryReports(ReportQuery.between(2000, 4000), 10))
        .extracting(Report::getId).containsExactly("4", "3", "2");
    assertThat(store.queryReports(ReportQuery.all().withStatus(RunStatus.CHANGED_RUN), 10))
        .extracting(Report::getId).containsExactly("4", "2");
    assertThat(store.queryReports(ReportQuery.all().withResource("file[/etc/motd]"), 10))
        .extracting(Report::getId).containsExactly("4", "2");
    assertThat(store.queryReports(ReportQuery.all().withResource("service[nginx]")
        .withStatus(RunStatus.FAILED_RUN), 10)).extracting(Report::getId).containsExactly("3");
    assertThat(store.queryReports(ReportQuery.between(0, 3500).withNode("web2"), 10))
        .extracting(Report::getId).containsExactly("3");
    assertThat(store.queryReports(ReportQuery.between(4500, 0).withNode("web2"), 10)).isEmpty();
    assertThat(store.queryReports(ReportQuery.all(), 2)).extracting(Report::getId)
        .containsExactly("5", "4");
  }

  @Test
  void aScanStopsWhenTheVisitorSaysSoAndPagesThroughManyReports() {
    for (int i = 0; i < 1_200; i++) {
      store.addReport(report(String.format("r%04d", i), "n" + (i % 3), 10_000 + i,
          RunStatus.UNCHANGED));
    }
    List<String> seen = new ArrayList<>();
    store.scanReports(ReportQuery.all(), r -> {
      seen.add(r.getId());
      return seen.size() < 7;
    });
    assertThat(seen).containsExactly("r1199", "r1198", "r1197", "r1196", "r1195", "r1194",
        "r1193");

    List<Long> all = new ArrayList<>();
    store.scanReports(ReportQuery.all().withNode("n1"), r -> all.add(r.getStartedAtMs()));
    assertThat(all).hasSize(400).isSortedAccordingTo((x, y) -> Long.compare(y, x));
  }

  @Test
  void aScanPagesThroughReportsThatShareAStartTimeWithoutLosingOrRepeatingOne() {
    List<String> expected = new ArrayList<>();
    for (int t = 4; t >= 0; t--) { // five start times, 130 reports each: pages end mid-tie
      for (int i = 0; i < 130; i++) {
        expected.add(String.format("t%d-%03d", t, i));
      }
    }
    List<String> shuffled = new ArrayList<>(expected);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    for (String id : shuffled) {
      store.addReport(report(id, "n", 1000 + id.charAt(1), RunStatus.UNCHANGED));
    }

    List<String> seen = new ArrayList<>();
    store.scanReports(ReportQuery.all(), r -> seen.add(r.getId()));
    assertThat(seen).containsExactlyElementsOf(expected);
    List<String> ofNode = new ArrayList<>();
    store.scanReports(ReportQuery.all().withNode("n").withStatus(RunStatus.UNCHANGED),
        r -> ofNode.add(r.getId()));
    assertThat(ofNode).containsExactlyElementsOf(expected);
  }

  @Test
  void reportsAreFoundByIdPrefixInIdOrder() {
    store.addReport(report("20261203-abc", "a", 1000, RunStatus.UNCHANGED));
    store.addReport(report("20261203-abd", "a", 900, RunStatus.UNCHANGED));
    store.addReport(report("20261203_x", "a", 800, RunStatus.UNCHANGED));
    store.addReport(report("20261204-abc", "b", 5 * DAY, RunStatus.UNCHANGED));

    assertThat(store.reportsWithIdPrefix("20261203-ab", 10)).extracting(Report::getId)
        .containsExactly("20261203-abc", "20261203-abd");
    // '_' and '%' are no wildcards.
    assertThat(store.reportsWithIdPrefix("20261203_", 10)).extracting(Report::getId)
        .containsExactly("20261203_x");
    assertThat(store.reportsWithIdPrefix("2026120", 2)).extracting(Report::getId)
        .containsExactly("20261203-abc", "20261203-abd");
    assertThat(store.reportsWithIdPrefix("%", 10)).isEmpty();
  }

  @Test
  void expiryDeletesWholeDaysBeforeTheCutoffWithTheirIndexes() {
    // 300 reports on day 1, 60 on day 20.
    for (int i = 0; i < 360; i++) {
      long at = (i < 300 ? DAY : 20 * DAY) + i;
      store.addReport(report("r" + i, "node" + (i % 10), at,
          i % 3 == 0 ? RunStatus.CHANGED_RUN : RunStatus.UNCHANGED, "file[/etc/f" + i % 7 + "]"));
    }

    int deleted = store.expireReports(20 * DAY - 14 * DAY);

    assertThat(deleted).isEqualTo(300);
    assertThat(store.queryReports(ReportQuery.all(), 5_000)).hasSize(60)
        .allSatisfy(r -> assertThat(r.getStartedAtMs()).isGreaterThanOrEqualTo(20 * DAY));
    assertThat(store.queryReports(ReportQuery.all().withNode("node3"), 5_000)).hasSize(6);
    assertThat(store.queryReports(ReportQuery.all().withResource("file[/etc/f0]"), 5_000))
        .allSatisfy(r -> assertThat(r.getStartedAtMs()).isGreaterThanOrEqualTo(20 * DAY));
    assertThat(store.queryReports(ReportQuery.all().withStatus(RunStatus.CHANGED_RUN), 5_000))
        .hasSize(20);
    assertThat(store.report("r0")).isEmpty();
    assertThat(store.reportsWithIdPrefix("r1", 1_000)).isEmpty();
    assertThat(store.reportsWithIdPrefix("r30", 1_000)).hasSize(10);
    assertThat(store.expireReports(20 * DAY - 14 * DAY)).isZero();
    // An expired id may come back (a very late retry): it is a new report then.
    assertThat(store.addReport(report("r0", "node0", 21 * DAY, RunStatus.UNCHANGED))).isTrue();
  }

  @Test
  void reportsDatedAfterTheLatestPlausibleStartAreDeleted() {
    store.addReport(report("now", "a", 10 * DAY, RunStatus.UNCHANGED));
    store.addReport(report("soon", "a", 10 * DAY + 1000, RunStatus.UNCHANGED));
    store.addReport(report("later", "a", 40 * DAY, RunStatus.UNCHANGED));

    assertThat(store.expireReportsStartedAfter(10 * DAY + 500)).isEqualTo(2);
    assertThat(store.queryReports(ReportQuery.all(), 10)).extracting(Report::getId)
        .containsExactly("now");
    assertThat(store.expireReportsStartedAfter(Long.MAX_VALUE)).isZero();
  }
}
