package dev.stead.bench.fleet;

import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.PhaseTimings;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportSummary;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.RunTrigger;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reports shaped like the agent's: in-sync resources are counted, not listed, so a quiet run
 * is a summary; a run with changes lists the changed resources with their events (file
 * content as a diff, mode), one with drift lists what it put back.
 */
final class RunReports {
  /** What a run found. */
  enum Kind { QUIET, CHANGED, DRIFT }

  private RunReports() {}

  static Kind pick(double changedShare, double driftShare) {
    double r = ThreadLocalRandom.current().nextDouble();
    return r < changedShare ? Kind.CHANGED : r < changedShare + driftShare ? Kind.DRIFT
        : Kind.QUIET;
  }

  /** A report of {@code node}'s run of the catalog {@code digest} with {@code resources}. */
  static Report of(String node, Kind kind, String codeVersion, String digest, int resources,
      List<String> titles) {
    long now = System.currentTimeMillis();
    Report.Builder r = Report.newBuilder().setId(UUID.randomUUID().toString()).setNode(node)
        .setCodeVersion(codeVersion).setCatalogDigest(digest).setStartedAtMs(now - 900)
        .setCatalogOrigin(CatalogOrigin.FRESH).setTrigger(RunTrigger.SCHEDULED)
        .setTimings(PhaseTimings.newBuilder().setFactsMs(40).setFetchMs(60).setApplyMs(750)
            .setReportMs(5));
    int touched = switch (kind) {
      case QUIET -> 0;
      case CHANGED -> Math.min(3, titles.size());
      case DRIFT -> Math.min(2, titles.size());
    };
    ChangeKind change = kind == Kind.DRIFT ? ChangeKind.DRIFT : ChangeKind.INTENDED;
    for (int i = 0; i < touched; i++) {
      r.addResources(ResourceResult.newBuilder().setKey(titles.get(i))
          .setStatus(ResourceStatus.CHANGED)
          .addEvents(Event.newBuilder().setProperty("content").setKind(change)
              .setStatus(EventStatus.APPLIED)
              .setBefore("{sha256}" + "0".repeat(64)).setAfter("{sha256}" + "1".repeat(64))
              .setDiff("--- before\n+++ after\n@@ -3,1 +3,1 @@\n-maxpoll 10\n+maxpoll 12\n"))
          .addEvents(Event.newBuilder().setProperty("mode").setKind(change)
              .setStatus(EventStatus.APPLIED).setBefore("0600").setAfter("0644")));
    }
    return r.setStatus(touched == 0 ? RunStatus.UNCHANGED : RunStatus.CHANGED_RUN)
        .setSummary(ReportSummary.newBuilder().setResources(resources).setChanged(touched)
            .setOutOfSync(touched).setSeconds(0.9)
            .setIntendedEvents(change == ChangeKind.INTENDED ? 2 * touched : 0)
            .setDriftEvents(change == ChangeKind.DRIFT ? 2 * touched : 0))
        .build();
  }
}
