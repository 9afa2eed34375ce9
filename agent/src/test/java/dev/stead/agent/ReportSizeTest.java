package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage grows with change, not with time: a quiet run's report is a summary and a digest. */
class ReportSizeTest {
  @TempDir Path root;
  @TempDir Path state;

  @Test
  void aRunWhereNothingHappenedIsWellUnderOneKilobyteOnTheWire() {
    Catalogs4Test builder = catalog().file("/srv", "ensure", "directory");
    for (int i = 0; i < 200; i++) {
      builder = builder.file("/srv/f" + i, "content", "file number " + i + "\n", "mode", "0644");
    }
    Catalog catalog = builder.build();
    Converger converger = new Converger(new ConvergeOptions(root, state, false));

    Report first = converger.converge(catalog);
    Report quiet = converger.converge(catalog);

    assertThat(first.getSummary().getChanged()).isEqualTo(201);
    assertThat(quiet.getStatus()).isEqualTo(RunStatus.UNCHANGED);
    assertThat(quiet.getSummary().getResources()).isEqualTo(201);
    assertThat(quiet.getResourcesList()).isEmpty();
    assertThat(quiet.getSerializedSize()).as(quiet.toString()).isLessThan(512);
    assertThat(first.getSerializedSize()).isGreaterThan(20 * quiet.getSerializedSize());
  }
}
