package dev.stead.agent.resource.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.engine.DriftState;
import dev.stead.agent.engine.Outcome;
import dev.stead.agent.engine.ReportAssembler;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.engine.Transaction;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.ResourceTypeRegistry;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** notify through the real engine: its message in the report each run, never drift. */
class NotifyTypeTest {
  @TempDir Path root;
  @TempDir Path state;

  private final Catalog catalog = Catalogs.seal(Catalog.newBuilder().setNode("n")
      .addResources(Resource.newBuilder().setType("notify").setTitle("hello"))
      .addResources(Resource.newBuilder().setType("notify").setTitle("x")
          .putAllParameters(Values.ofMap(Map.of("message", "text"))))
      .addCompileMessages("warning: site.groovy:3: old API")
      .build());
  /** What the last run's resources came to, for the drift state of the next. */
  private List<Outcome> lastOutcomes;

  private Report run(boolean noop, DriftState previous) throws Exception {
    List<Outcome> outcomes = new Transaction(
        ResourceGraph.build(catalog, ResourceTypeRegistry.standard()),
        new ApplyContext(new RootedPaths(root), new BackupStore(state.resolve("backup"))),
        noop).run();
    lastOutcomes = outcomes;
    return ReportAssembler.assemble(catalog, outcomes, previous, noop, 0, 0);
  }

  @Test
  void everyRealRunReportsTheMessageAsAnIntendedChangeNeverDrift() throws Exception {
    DriftState drift = DriftState.empty();
    for (int i = 0; i < 2; i++) {
      Report report = run(false, drift);
      drift = drift.after(lastOutcomes);
      assertThat(report.getSummary().getChanged()).isEqualTo(2);
      assertThat(report.getSummary().getDriftEvents()).isZero();
      assertThat(report.getResourcesList()).anySatisfy(r -> {
        assertThat(r.getKey()).isEqualTo("notify[x]");
        assertThat(r.getEvents(0).getAfter()).isEqualTo("text");
        assertThat(r.getEvents(0).getKind()).isEqualTo(ChangeKind.INTENDED);
      });
      assertThat(report.getCompileMessagesList())
          .containsExactly("warning: site.groovy:3: old API");
    }
  }

  @Test
  void aNoopRunLeavesItAloneInSync() throws Exception {
    Report report = run(true, DriftState.empty());
    assertThat(report.getSummary().getOutOfSync()).isZero();
    assertThat(report.getResourcesList()).isEmpty();
  }
}
