package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.Value;
import org.junit.jupiter.api.Test;

/** {@link NodeStore}: facts and node summaries, replaced whole, sorted by name, durable. */
abstract class NodeStoreContract extends StoreContract {

  private static Facts facts(String kernel) {
    return Facts.newBuilder()
        .putValues("kernelrelease", Value.newBuilder().setStringValue(kernel).build()).build();
  }

  @Test
  void factsAreReplacedWholeAndSurviveARestart() throws Exception {
    NodeStore nodes = store;
    assertThat(nodes.facts("web1")).isEmpty();
    nodes.putFacts("web1", facts("6.1"));
    nodes.putFacts("web1", facts("6.2"));
    nodes.putFacts("web2", facts("5.10"));

    reopen();

    assertThat(store.facts("web1")).contains(facts("6.2"));
    assertThat(store.facts("web2")).contains(facts("5.10"));
    assertThat(store.facts("web3")).isEmpty();
  }

  @Test
  void nodesComeSortedByNameInByteOrder() throws Exception {
    NodeStore nodes = store;
    for (String name : new String[] {"web10", "Web2", "db1", "web1", "0first", "web1.example"}) {
      nodes.putNode(NodeInfo.newBuilder().setName(name).build());
    }
    nodes.putNode(NodeInfo.newBuilder().setName("web1").setLastReportId("r9")
        .setLastStatus(RunStatus.FAILED_RUN).build());

    reopen();

    assertThat(store.nodes()).extracting(NodeInfo::getName)
        .containsExactly("0first", "Web2", "db1", "web1", "web1.example", "web10");
    assertThat(store.node("web1")).hasValueSatisfying(n -> {
      assertThat(n.getLastReportId()).isEqualTo("r9");
      assertThat(n.getLastStatus()).isEqualTo(RunStatus.FAILED_RUN);
    });
    assertThat(store.node("nobody")).isEmpty();
  }

  @Test
  void activityNamesEveryNodeWithItsLastReportAsTheSummariesDo() throws Exception {
    store.putNode(NodeInfo.newBuilder().setName("web2").setLastReportMs(1_796_000_000_000L)
        .setLastReportId("r1").setCodeVersion("v1").setCatalogDigest("sha256:ab")
        .setLastStatus(RunStatus.CHANGED_RUN).setLastDriftEvents(3).build());
    store.putNode(NodeInfo.newBuilder().setName("new-node").build());
    store.putNode(NodeInfo.newBuilder().setName("dbé").setLastReportMs(1L).build());

    reopen();

    assertThat(store.activity()).containsExactly(
        new NodeActivity("dbé", 1L), new NodeActivity("new-node", 0L),
        new NodeActivity("web2", 1_796_000_000_000L));
    assertThat(store.activity()).extracting(NodeActivity::name)
        .isEqualTo(store.nodes().stream().map(NodeInfo::getName).toList());
  }

  @Test
  void aNodeSummaryFollowsTheNewestReportThroughNodes() {
    Nodes nodes = new Nodes(store);
    nodes.seen("a");
    assertThat(store.node("a")).hasValueSatisfying(n -> assertThat(n.getLastReportMs()).isZero());

    store.addReport(report("new", "a", 2000, RunStatus.CHANGED_RUN));
    nodes.reported("a");
    // A late retry of an older run must not roll the summary back.
    store.addReport(report("old", "a", 1000, RunStatus.UNCHANGED));
    NodeInfo info = nodes.reported("a");

    assertThat(info.getLastReportId()).isEqualTo("new");
    assertThat(store.node("a")).contains(info);
    assertThat(info.getLastDriftEvents()).isEqualTo(1);
    assertThat(info.getLastStatus()).isEqualTo(RunStatus.CHANGED_RUN);
  }

  @Test
  void aNodeSummaryFollowsTheReportJustStoredAsItWouldReadingReportsBack() {
    Nodes nodes = new Nodes(store);
    Report first = report("first", "b", 2000, RunStatus.CHANGED_RUN);
    store.addReport(first);
    NodeInfo fromReport = nodes.reported(first);
    assertThat(fromReport.getLastReportId()).isEqualTo("first");
    assertThat(fromReport.getLastDriftEvents()).isEqualTo(1);
    assertThat(store.node("b")).contains(fromReport);
    // Read back whole, the summary is the same.
    assertThat(nodes.reported("b")).isEqualTo(fromReport);

    // A late retry of an older run, in hand, leaves the newer one shown.
    Report old = report("old", "b", 1000, RunStatus.UNCHANGED);
    store.addReport(old);
    assertThat(nodes.reported(old).getLastReportId()).isEqualTo("first");
    Report next = report("next", "b", 3000, RunStatus.UNCHANGED);
    store.addReport(next);
    NodeInfo latest = nodes.reported(next);
    assertThat(latest.getLastReportId()).isEqualTo("next");
    assertThat(latest.getLastStatus()).isEqualTo(RunStatus.UNCHANGED);
    assertThat(nodes.reported("b")).isEqualTo(latest);
  }
}
