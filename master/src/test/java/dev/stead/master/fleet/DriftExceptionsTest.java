package dev.stead.master.fleet;

import dev.stead.master.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.ChangesRequest;
import dev.stead.proto.v1.ComplianceRequest;
import dev.stead.proto.v1.CompliancePoint;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.DriftReviewItem;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.ExceptDriftRequest;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ReviewDriftRequest;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Granting, storing, serving and auditing drift exceptions, on a real RocksDB store. */
class DriftExceptionsTest {
  private static final String NODE = "web1.test";
  private static final String MOTD = "file[/etc/motd]";
  private static final long DAY = 86_400_000L;
  @TempDir Path dir;
  private RocksStore store;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private DriftExceptions exceptions;

  @BeforeEach
  void open() throws IOException {
    store = RocksStore.open(dir);
    exceptions = new DriftExceptions(store, clock);
    store.putNode(NodeInfo.newBuilder().setName(NODE).build());
    store.putCatalog(NODE, catalog());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Catalog catalog() {
    return Catalogs.seal(Catalog.newBuilder().setNode(NODE).setCodeVersion("v1")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")
            .putParameters("content", Value.newBuilder().setStringValue("hello\n").build())
            .putParameters("mode", Value.newBuilder().setStringValue("0644").build()))
        .build());
  }

  private ExceptDriftRequest.Builder request() {
    return ExceptDriftRequest.newBuilder().setNode(NODE).setResource(MOTD)
        .setProperty("content").setReason("INC-42: vendor hotfix").setOwner("alice")
        .setExpiresAtMs(clock.millis() + 7 * DAY);
  }

  @Test
  void aGrantIsStoredDurablyWithWhoDecidedAndTravelsInTheServedCatalog() throws IOException {
    DriftException granted = exceptions.grant(request().build(), "stead-admin");

    assertThat(granted.getId()).matches("ex-[0-9a-f]{12}");
    assertThat(granted.getDecidedBy()).isEqualTo("stead-admin");
    assertThat(granted.getCreatedAtMs()).isEqualTo(clock.millis());
    Catalog served = exceptions.served(catalog());
    assertThat(served.getExceptionsList()).singleElement().satisfies(e -> {
      assertThat(e.getResource()).isEqualTo(MOTD);
      assertThat(e.getProperty()).isEqualTo("content");
      assertThat(e.getExpiresAtMs()).isEqualTo(granted.getExpiresAtMs());
      assertThat(e.getId()).isEqualTo(granted.getId());
    });
    assertThat(served.getDigest()).isNotEqualTo(catalog().getDigest());
    assertThat(Catalogs.verify(served)).isTrue();

    store.close();
    store = RocksStore.open(dir);
    assertThat(new DriftExceptions(store, clock).list(0)).containsExactly(granted);
  }

  @Test
  void badInputIsRefusedWithAClearMessageAndNothingIsStored() {
    List<Case> cases = List.of(
        new Case(r -> r.setReason("  "), IllegalArgumentException.class, "needs a reason"),
        new Case(r -> r.setOwner(""), IllegalArgumentException.class, "needs a owner"),
        new Case(r -> r.setExpiresAtMs(0), IllegalArgumentException.class, "needs an expiry"),
        new Case(r -> r.setExpiresAtMs(clock.millis() - 1), IllegalArgumentException.class,
            "is not in the future"),
        new Case(r -> r.setExpiresAtMs(clock.millis() + 400 * DAY),
            IllegalArgumentException.class, "more than 366 days ahead"),
        new Case(r -> r.setResource("/etc/motd"), IllegalArgumentException.class,
            "type[title]"),
        new Case(r -> r.setNode("ghost.test"), NoSuchElementException.class,
            "unknown node 'ghost.test'"),
        new Case(r -> r.setResource("file[/etc/other]"), NoSuchElementException.class,
            "has no resource file[/etc/other]"),
        new Case(r -> r.setProperty("colour"), NoSuchElementException.class,
            "has no property 'colour' (it has: content, mode)"));
    for (Case c : cases) {
      ExceptDriftRequest bad = c.change().apply(request()).build();
      assertThatThrownBy(() -> exceptions.grant(bad, "stead-admin")).as(c.message())
          .isInstanceOf(c.type()).hasMessageContaining(c.message());
    }
    assertThat(store.exceptions("")).isEmpty();
  }

  private record Case(UnaryOperator<ExceptDriftRequest.Builder> change,
      Class<? extends Exception> type, String message) {}

  @Test
  void aPropertyOnlyAReportNamesCanBeExcepted() {
    addReport("r1", clock.millis(), false, event("owner", EventStatus.APPLIED));

    assertThat(exceptions.grant(request().setProperty("owner").build(), "stead-admin")
        .getProperty()).isEqualTo("owner");
  }

  @Test
  void anExpiredExceptionLeavesTheCatalogAndBothDecisionsAreAuditRows() {
    long start = clock.millis();
    DriftException granted = exceptions.grant(request().setExpiresAtMs(start + DAY).build(),
        "stead-admin");
    clock.advance(Duration.ofDays(2));

    assertThat(exceptions.served(catalog())).isEqualTo(catalog());
    assertThat(exceptions.list(0)).isEmpty();
    assertThat(exceptions.list(start)).containsExactly(granted);
    List<ChangeRecord> audit = new ChangeLog(store, exceptions).changes(ChangesRequest
        .newBuilder().setSinceMs(start - 1).setIncludeDecisions(true).build()).getChangesList();
    assertThat(audit).extracting(ChangeRecord::getDecision, ChangeRecord::getActor,
        ChangeRecord::getTimeMs).containsExactly(
            Tuple.tuple("expired", "stead", start + DAY),
            Tuple.tuple("except", "stead-admin", start));
    assertThat(audit).allSatisfy(r -> {
      assertThat(r.getKind()).isEqualTo(ChangeKind.DECISION);
      assertThat(r.getExceptionId()).isEqualTo(granted.getId());
      assertThat(r.getOwner()).isEqualTo("alice");
      assertThat(r.getNode()).isEqualTo(NODE);
    });
    assertThat(audit.get(1).getReason()).isEqualTo("INC-42: vendor hotfix");
    // The drift list is not the audit trail: no decisions there.
    assertThat(new ChangeLog(store, exceptions).changes(ChangesRequest.newBuilder()
        .setSinceMs(start - 1).setDriftOnly(true).setIncludeDecisions(true).build())
        .getChangesList()).isEmpty();
  }

  @Test
  void aLiftedExceptionLeavesTheCatalogAtOnceAndTheLiftIsAnAuditRowOfItsOwn() {
    long start = clock.millis();
    DriftException granted = exceptions.grant(request().build(), "stead-admin");
    clock.advance(Duration.ofHours(1));

    DriftException lifted = exceptions.lift(granted.getId(), "bob");

    assertThat(lifted.getLiftedBy()).isEqualTo("bob");
    assertThat(lifted.getLiftedAtMs()).isEqualTo(clock.millis());
    assertThat(exceptions.served(catalog())).isEqualTo(catalog());
    assertThat(exceptions.active(NODE)).isEmpty();
    assertThat(exceptions.list(0)).isEmpty();
    assertThat(exceptions.list(start)).containsExactly(lifted);
    assertThatThrownBy(() -> exceptions.lift(granted.getId(), "carol"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already lifted by bob");
    assertThatThrownBy(() -> exceptions.lift("ex-000000000000", "carol"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("no drift exception 'ex-000000000000'");
    // Past the expiry it set, a lifted exception leaves no "expired" row: the lift ended it.
    clock.advance(Duration.ofDays(8));
    List<ChangeRecord> audit = new ChangeLog(store, exceptions).changes(ChangesRequest
        .newBuilder().setSinceMs(start - 1).setIncludeDecisions(true).build()).getChangesList();
    assertThat(audit).extracting(ChangeRecord::getDecision, ChangeRecord::getActor,
        ChangeRecord::getTimeMs).containsExactly(
            Tuple.tuple("lift", "bob", start + 3_600_000L),
            Tuple.tuple("except", "stead-admin", start));
    assertThat(audit.get(0).getAfter()).isEqualTo("enforced");
  }

  @Test
  void anExpiredExceptionCannotBeLifted() {
    DriftException granted = exceptions.grant(request().setExpiresAtMs(clock.millis() + DAY)
        .build(), "stead-admin");
    clock.advance(Duration.ofDays(2));
    assertThatThrownBy(() -> exceptions.lift(granted.getId(), "bob"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already expired");
    assertThat(store.exceptions(NODE)).containsExactly(granted);
  }

  @Test
  void excepteddriftKeepsANodeInSyncCountedApartAndIsListedOnceAndReviewedOnlyOnRequest() {
    long t = clock.millis();
    addReport("r1", t - 2000, false, event("content", EventStatus.EXCEPTED));
    addReport("r2", t - 1000, false, event("content", EventStatus.EXCEPTED));

    CompliancePoint fleet = new Compliance(store, clock).compute(ComplianceRequest.newBuilder()
        .setSinceMs(t).setUntilMs(t).build()).getPoints(0);
    assertThat(fleet.getNodes()).isEqualTo(1);
    assertThat(fleet.getInSync()).isEqualTo(1);
    assertThat(fleet.getExcepted()).isEqualTo(1);
    assertThat(new ChangeLog(store).changes(ChangesRequest.newBuilder().setDriftOnly(true)
        .build()).getChangesList()).singleElement()
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo(EventStatus.EXCEPTED));

    DriftReview review = new DriftReview(store);
    assertThat(review.review(ReviewDriftRequest.getDefaultInstance()).getItemsList()).isEmpty();
    assertThat(review.review(ReviewDriftRequest.newBuilder().setIncludeExcepted(true).build())
        .getItemsList()).singleElement().satisfies(i -> {
          assertThat(i.getState()).isEqualTo("excepted");
          assertThat(i.getFirstSeenMs()).isEqualTo(t - 2000);
          assertThat(i.getReportId()).isEqualTo("r2");
        });
  }

  @Test
  void reviewListsWhatTheNewestRunLeftPendingOrFailedNotWhatWasRepaired() {
    long t = clock.millis();
    addReport("r1", t - 3000, true, event("content", EventStatus.NOOP));
    addReport("r2", t - 2000, true, event("content", EventStatus.NOOP),
        event("mode", EventStatus.NOOP));
    addReport("r3", t - 1000, true, event("content", EventStatus.NOOP));

    List<DriftReviewItem> items = new DriftReview(store)
        .review(ReviewDriftRequest.getDefaultInstance()).getItemsList();
    assertThat(items).singleElement().satisfies(i -> {
      assertThat(i.getProperty()).isEqualTo("content");
      assertThat(i.getState()).isEqualTo("pending");
      assertThat(i.getFirstSeenMs()).isEqualTo(t - 3000);
      assertThat(i.getReportId()).isEqualTo("r3");
    });

    addReport("r4", t, false, event("content", EventStatus.APPLIED));
    assertThat(new DriftReview(store).review(ReviewDriftRequest.getDefaultInstance())
        .getItemsList()).isEmpty();
  }

  @Test
  void aWatchReportUpdatesTheDriftItCheckedAndLeavesTheRestToTheFullRun() {
    long t = clock.millis();
    addReport("full", t - 3000, true, event("content", EventStatus.NOOP),
        event("mode", EventStatus.NOOP));
    // The watch saw the content change again (still pending: audit), and nothing of the mode.
    store.addReport(watch("watch-1", t - 2000, event("content", EventStatus.NOOP)));

    List<DriftReviewItem> items = new DriftReview(store)
        .review(ReviewDriftRequest.getDefaultInstance()).getItemsList();
    assertThat(items).extracting(DriftReviewItem::getProperty, DriftReviewItem::getReportId,
        DriftReviewItem::getFirstSeenMs).containsExactlyInAnyOrder(
            Tuple.tuple("content", "watch-1", t - 3000),
            Tuple.tuple("mode", "full", t - 3000));

    // A watch check that repaired the content closes it; the mode still awaits a decision.
    store.addReport(watch("watch-2", t - 1000, event("content", EventStatus.APPLIED)));
    assertThat(new DriftReview(store).review(ReviewDriftRequest.getDefaultInstance())
        .getItemsList()).extracting(DriftReviewItem::getProperty).containsExactly("mode");
  }

  private static Report watch(String id, long at, Event event) {
    boolean noop = event.getStatus() == EventStatus.NOOP;
    return Report.newBuilder().setId(id).setNode(NODE).setStartedAtMs(at).setNoop(noop)
        .setTrigger(RunTrigger.WATCH)
        .setStatus(noop ? RunStatus.UNCHANGED : RunStatus.CHANGED_RUN)
        .setSummary(ReportSummary.newBuilder().setResources(1).setDriftEvents(1)
            .setOutOfSync(noop ? 1 : 0).setChanged(noop ? 0 : 1))
        .addResources(ResourceResult.newBuilder().setKey(MOTD).addEvents(event))
        .build();
  }

  private static Event event(String property, EventStatus status) {
    return Event.newBuilder().setProperty(property).setKind(ChangeKind.DRIFT)
        .setStatus(status).setBefore("sha256:aa").setAfter("sha256:bb")
        .setExceptionId(status == EventStatus.EXCEPTED ? "ex-000000000001" : "").build();
  }

  private void addReport(String id, long at, boolean noop, Event... events) {
    int excepted = (int) List.of(events).stream()
        .filter(e -> e.getStatus() == EventStatus.EXCEPTED).count();
    int drift = events.length - excepted;
    store.addReport(Report.newBuilder().setId(id).setNode(NODE).setStartedAtMs(at)
        .setNoop(noop).setStatus(RunStatus.UNCHANGED)
        .setSummary(ReportSummary.newBuilder().setResources(1).setDriftEvents(drift)
            .setExceptedEvents(excepted).setOutOfSync(noop ? drift : 0)
            .setChanged(noop ? 0 : drift))
        .addResources(ResourceResult.newBuilder().setKey(MOTD).addAllEvents(List.of(events)))
        .build());
  }
}
