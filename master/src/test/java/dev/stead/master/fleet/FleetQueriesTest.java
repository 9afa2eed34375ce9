package dev.stead.master.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.CompliancePoint;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetQueriesTest {
  private static final long HOUR = 3_600_000L;
  @TempDir Path dir;
  private RocksStore store;

  @BeforeEach
  void open() throws IOException {
    store = RocksStore.open(dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Event event(String property, ChangeKind kind, String before, String after) {
    return Event.newBuilder().setProperty(property).setKind(kind).setStatus(EventStatus.APPLIED)
        .setBefore(before).setAfter(after).build();
  }

  private void add(String id, String node, long at, RunStatus status, String resource,
      Event... events) {
    int drift = (int) List.of(events).stream().filter(e -> e.getKind() == ChangeKind.DRIFT)
        .count();
    Report.Builder r = Report.newBuilder().setId(id).setNode(node).setStartedAtMs(at)
        .setCodeVersion("v" + at).setStatus(status)
        .setSummary(ReportSummary.newBuilder().setResources(3).setDriftEvents(drift)
            .setIntendedEvents(events.length - drift)
            .setChanged(events.length > 0 ? 1 : 0).setOutOfSync(events.length > 0 ? 1 : 0));
    if (resource != null) {
      r.addResources(ResourceResult.newBuilder().setKey(resource).addAllEvents(List.of(events)));
    }
    store.addReport(r.build());
    store.putNode(NodeInfo.newBuilder().setName(node).build());
  }

  @Test
  void driftListFiltersByTimeNodeGlobAndTypeAndRedactsSecrets() {
    add("1", "web1.prod", 1 * HOUR, RunStatus.CHANGED_RUN, "file[/etc/app.conf]",
        event("content", ChangeKind.DRIFT, "sha256:aa", "sha256:bb").toBuilder()
            .setDiff("--- a\n+++ b\n-password = hunter2\n+password = s3cret\n").build());
    add("2", "web2.prod", 2 * HOUR, RunStatus.CHANGED_RUN, "service[nginx]",
        event("ensure", ChangeKind.DRIFT, "stopped", "running"));
    add("3", "db1.prod", 3 * HOUR, RunStatus.CHANGED_RUN, "file[/etc/db.conf]",
        event("mode", ChangeKind.INTENDED, "0644", "0600"));
    add("4", "web1.prod", 4 * HOUR, RunStatus.CHANGED_RUN, "file[/etc/key]",
        event("content", ChangeKind.DRIFT, "sha256:11", "sha256:22").toBuilder()
            .setSensitive(true).setDiff("-old secret\n+new secret\n").build());
    ChangeLog log = new ChangeLog(store);

    List<ChangeRecord> drift = log.changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .build()).getChangesList();
    assertThat(drift).extracting(ChangeRecord::getReportId).containsExactly("4", "2", "1");
    assertThat(drift.get(0).getDiff()).isEqualTo(Redactor.MARK);
    assertThat(drift.get(0).getAfter()).isEqualTo(Redactor.MARK);
    assertThat(drift.get(2).getDiff()).contains("-password = [redacted]")
        .doesNotContain("hunter2").doesNotContain("s3cret");
    assertThat(drift.get(2).getCodeVersion()).isEqualTo("v" + HOUR);

    assertThat(log.changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .setSinceMs(2 * HOUR).setNodeGlob("web*").setType("service").build()).getChangesList())
        .extracting(ChangeRecord::getResource).containsExactly("service[nginx]");
    assertThat(log.changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .setNodeGlob("web1.*").setType("file").build()).getChangesList())
        .extracting(ChangeRecord::getReportId).containsExactly("4", "1");
    // The audit trail has every change, intended ones too.
    assertThat(log.changes(ChangesRequest.getDefaultInstance()).getChangesList())
        .extracting(ChangeRecord::getReportId).containsExactly("4", "3", "2", "1");
    assertThat(log.changes(ChangesRequest.newBuilder().setLimit(2).build()).getTruncated())
        .isTrue();
  }

  @Test
  void complianceCountsEachNodesNewestRunAtEachInstantFleetWideAndPerClass() {
    store.putCatalog("web1", Catalog.newBuilder().setNode("web1").addClasses("nginx").build());
    store.putCatalog("web2", Catalog.newBuilder().setNode("web2").addClasses("nginx").build());
    store.putCatalog("db1", Catalog.newBuilder().setNode("db1").addClasses("postgres").build());
    // Before the window: web1 in sync.
    add("a", "web1", 1 * HOUR, RunStatus.UNCHANGED, null);
    // In the window: web2 drifts at 10h, db1 fails at 11h, web2 back in sync at 12h.
    add("b", "web2", 10 * HOUR, RunStatus.CHANGED_RUN, "file[/x]",
        event("content", ChangeKind.DRIFT, "a", "b"));
    add("c", "db1", 11 * HOUR, RunStatus.FAILED_RUN, null);
    add("d", "web2", 12 * HOUR, RunStatus.UNCHANGED, null);
    Compliance compliance = new Compliance(store,
        Clock.fixed(Instant.ofEpochMilli(13 * HOUR), ZoneOffset.UTC));

    List<CompliancePoint> points = compliance.compute(ComplianceRequest.newBuilder()
        .setSinceMs(9 * HOUR).setStepMs(HOUR).build()).getPointsList();

    assertThat(fleet(points, 9 * HOUR)).containsExactly(1, 1);
    assertThat(fleet(points, 10 * HOUR)).containsExactly(2, 1);
    assertThat(fleet(points, 11 * HOUR)).containsExactly(3, 1);
    assertThat(fleet(points, 12 * HOUR)).containsExactly(3, 2);
    assertThat(fleet(points, 13 * HOUR)).containsExactly(3, 2);
    assertThat(points).filteredOn(p -> p.getTimeMs() == 12 * HOUR && p.getKlass().equals("nginx"))
        .extracting(CompliancePoint::getNodes, CompliancePoint::getInSync)
        .containsExactly(Tuple.tuple(2, 2));
    assertThat(points).filteredOn(p -> p.getTimeMs() == 12 * HOUR
            && p.getKlass().equals("postgres"))
        .extracting(CompliancePoint::getNodes, CompliancePoint::getInSync)
        .containsExactly(Tuple.tuple(1, 0));
  }

  private static List<Integer> fleet(List<CompliancePoint> points, long at) {
    CompliancePoint p = points.stream()
        .filter(x -> x.getTimeMs() == at && x.getKlass().isEmpty()).findFirst().orElseThrow();
    return List.of(p.getNodes(), p.getInSync());
  }

  @Test
  void redactionHidesCredentialValuesAndPrivateKeysButKeepsTheRest() {
    assertThat(Redactor.text("user = bob\napi_key: \"abc def\"\ntoken=xyz; port=80"))
        .isEqualTo("user = bob\napi_key: [redacted]\ntoken=[redacted]; port=80");
    assertThat(Redactor.text("a\n-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\nb"))
        .isEqualTo("a\n[redacted]\nb");
    // The agent's mark for a secret names it without holding it: it stays, alone only.
    String ref = "[secret 0123456789abcdef:" + "0f".repeat(32) + "]";
    assertThat(Redactor.text("password = " + ref + "\ntoken: [secret]"))
        .isEqualTo("password = " + ref + "\ntoken: [secret]");
    assertThat(Redactor.text("password = [secret]hunter2"))
        .isEqualTo("password = [redacted]");
  }

  private void addNoop(String id, String node, long at, String resource, Event... events) {
    int drift = (int) List.of(events).stream().filter(e -> e.getKind() == ChangeKind.DRIFT)
        .count();
    Report.Builder r = Report.newBuilder().setId(id).setNode(node).setStartedAtMs(at)
        .setCodeVersion("v1").setNoop(true)
        .setStatus(events.length > 0 ? RunStatus.CHANGED_RUN : RunStatus.UNCHANGED)
        .setSummary(ReportSummary.newBuilder().setResources(3).setDriftEvents(drift)
            .setOutOfSync(events.length > 0 ? 1 : 0));
    if (resource != null) {
      r.addResources(ResourceResult.newBuilder().setKey(resource).addAllEvents(
          List.of(events).stream().map(e -> e.toBuilder().setStatus(EventStatus.NOOP).build())
              .toList()));
    }
    store.addReport(r.build());
    store.putNode(NodeInfo.newBuilder().setName(node).build());
  }

  @Test
  void driftSeenByNoopRunsAndThenRepairedCountsOnce() {
    Event drift = event("content", ChangeKind.DRIFT, "sha256:aa", "sha256:bb");
    // Two noop runs see the drift pending, then the real run repairs it.
    addNoop("1", "web1.prod", 1 * HOUR, "file[/etc/app.conf]", drift);
    addNoop("2", "web1.prod", 2 * HOUR, "file[/etc/app.conf]", drift);
    add("3", "web1.prod", 3 * HOUR, RunStatus.CHANGED_RUN, "file[/etc/app.conf]", drift);
    // Later the same property drifts again: a new drift, pending.
    addNoop("4", "web1.prod", 4 * HOUR, "file[/etc/app.conf]", drift);
    // Another node's drift on the same resource is its own.
    addNoop("5", "web2.prod", 5 * HOUR, "file[/etc/app.conf]", drift);

    List<ChangeRecord> listed = new ChangeLog(store).changes(ChangesRequest.newBuilder()
        .setDriftOnly(true).setSinceMs(0).setUntilMs(6 * HOUR).build()).getChangesList();

    assertThat(listed).extracting(ChangeRecord::getReportId).containsExactly("5", "4", "3");
    assertThat(listed.get(1).getNoop()).isTrue();
    assertThat(listed.get(2).getStatus()).isEqualTo(EventStatus.APPLIED);
  }

  @Test
  void aCleanNoopRunIsInSyncAndOneWithPendingChangesIsNot() {
    addNoop("1", "web1.prod", 1 * HOUR, null);
    addNoop("2", "web2.prod", 1 * HOUR, "file[/etc/app.conf]",
        event("content", ChangeKind.INTENDED, "sha256:aa", "sha256:bb"));
    List<Report> runs = store.reports("web1.prod", 1);
    assertThat(Compliance.inSync(runs.get(0))).isTrue();
    assertThat(Compliance.inSync(store.reports("web2.prod", 1).get(0))).isFalse();
  }
}
