package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileSlotsTest {
  @TempDir Path code;

  private static final CompileOutcome OK =
      CompileOutcome.compiled(Catalog.newBuilder().setNode("n").build());

  @Test
  void aCompileThatFindsNoSlotInTimeFailsWithAReason() throws Exception {
    CompileSlots slots = new CompileSlots(1, Duration.ofMillis(200));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<CompileOutcome> busy = pool.submit(() -> slots.run(() -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return OK;
      }));
      started.await();
      CompileOutcome refused = slots.run(() -> OK);
      assertThat(refused).isInstanceOfSatisfying(CompileOutcome.Failed.class, f ->
          assertThat(f.errors().get(0).getMessage())
              .isEqualTo("the master is busy: all 1 compile slots stayed taken for 0 s; try again later"));
      release.countDown();
      assertThat(busy.get()).isEqualTo(OK);
      assertThat(slots.run(() -> OK)).isEqualTo(OK);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theMasterPassesTheCertificateNameAsTrustedData() throws Exception {
    Files.writeString(code.resolve("site.groovy"),
        "node('default') { file('/etc/certname', content: trusted.certname) }\n");
    DslCatalogSource source = DslCatalogSource.load(code, List.of());
    CompileOutcome outcome = source.compile("web01.example.com", Facts.getDefaultInstance());
    assertThat(((CompileOutcome.Compiled) outcome).catalog().getResources(0).getParametersMap()
        .get("content").getStringValue()).isEqualTo("web01.example.com");
  }
}
