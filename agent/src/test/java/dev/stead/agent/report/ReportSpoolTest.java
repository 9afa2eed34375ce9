package dev.stead.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Report;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSpoolTest {
  @TempDir Path dir;

  @Test
  void deliversEachOnceAndKeepsThemWhileTheMasterIsAway() throws IOException {
    ReportSpool spool = new ReportSpool(dir.resolve("spool"));
    spool.spool(Report.newBuilder().setId("r1").build());
    spool.spool(Report.newBuilder().setId("r2").build());

    int none = spool.deliver(r -> {
      throw Status.UNAVAILABLE.withDescription("down").asRuntimeException();
    });
    assertThat(none).isZero();
    assertThat(spool.pending()).hasSize(2);

    List<String> sent = new ArrayList<>();
    assertThat(spool.deliver(r -> sent.add(r.getId()))).isEqualTo(2);
    assertThat(sent).containsExactlyInAnyOrder("r1", "r2");
    assertThat(spool.pending()).isEmpty();
    assertThat(spool.deliver(r -> sent.add(r.getId()))).isZero();
  }

  @Test
  void aReportRefusedForGoodMovesAside() throws IOException {
    ReportSpool spool = new ReportSpool(dir.resolve("spool"));
    spool.spool(Report.newBuilder().setId("bad").build());
    spool.deliver(r -> {
      throw Status.PERMISSION_DENIED.asRuntimeException();
    });
    assertThat(spool.pending()).isEmpty();
    assertThat(Files.exists(dir.resolve("spool/rejected/bad.pb"))).isTrue();
  }
}
