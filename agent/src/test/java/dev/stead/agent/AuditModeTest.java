package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Report;
import dev.stead.agent.resource.file.FileSource;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog in audit mode converges in noop even when the agent was not asked for noop, on
 * the catalog's mode alone (the master also marks its resources noop; this is the guard for
 * any catalog that says AUDIT), and leaves the drift state to the last real run.
 */
class AuditModeTest {
  @TempDir Path root;
  @TempDir Path state;

  @Test
  void anAuditCatalogChangesNothingReportsPendingDriftAndTheNextEnforcedRunRepairsIt()
      throws Exception {
    Catalog enforce = catalog().file("/motd", "content", "hello\n").build();
    Catalog audit = Catalogs.seal(enforce.toBuilder().setMode(Mode.AUDIT).build());
    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    assertThat(converger.converge(enforce).getMode()).isEqualTo(Mode.ENFORCE);
    Files.writeString(root.resolve("motd"), "by hand\n");

    Report audited = converger.converge(audit);

    assertThat(Files.readString(root.resolve("motd"))).isEqualTo("by hand\n");
    assertThat(audited.getMode()).isEqualTo(Mode.AUDIT);
    assertThat(audited.getNoop()).isTrue();
    assertThat(audited.getResources(0).getEvents(0).getStatus()).isEqualTo(EventStatus.NOOP);
    assertThat(audited.getResources(0).getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(ExitCodes.of(audited)).isEqualTo(ExitCodes.CHANGED);
    assertThat(ReportPrinter.summaryLine(audited)).startsWith("run (audit): 1 resources, 1 would"
        + " change");

    Report repaired = converger.converge(enforce);

    assertThat(Files.readString(root.resolve("motd"))).isEqualTo("hello\n");
    assertThat(repaired.getMode()).isEqualTo(Mode.ENFORCE);
    assertThat(repaired.getResources(0).getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(repaired.getResources(0).getEvents(0).getStatus())
        .isEqualTo(EventStatus.APPLIED);
  }

  @Test
  void aWatchCheckOfAnAuditCatalogChangesNothingEither() throws Exception {
    Catalog enforce = catalog().file("/motd", "content", "hello\n").build();
    Catalog audit = Catalogs.seal(enforce.toBuilder().setMode(Mode.AUDIT).build());
    Converger converger = new Converger(new ConvergeOptions(root, state, false));
    converger.converge(enforce);
    Files.writeString(root.resolve("motd"), "by hand\n");

    Report checked = converger.convergeOnly(audit, Set.of(ResourceKey.of("file", "/motd")),
        Progress.NONE, NodeSecrets.none(), FileSource.NONE);

    assertThat(Files.readString(root.resolve("motd"))).isEqualTo("by hand\n");
    assertThat(checked.getMode()).isEqualTo(Mode.AUDIT);
    assertThat(checked.getSummary().getOutOfSync()).isEqualTo(1);
    assertThat(checked.getSummary().getChanged()).isZero();
  }
}
