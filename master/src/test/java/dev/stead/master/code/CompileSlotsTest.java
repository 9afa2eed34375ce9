package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Test
  void aCompileThatDoesNotStopFreesItsSlotAtTheDeadline() throws Exception {
    // A compile the sandbox failed to bound: it ignores interrupts. Real code cannot be
    // made to do this (that is what the sandbox is for), so a stand-in plays it.
    CompileSlots slots = new CompileSlots(1, Duration.ofSeconds(10), Duration.ofMillis(300));
    AtomicBoolean release = new AtomicBoolean();
    try {
      CompileOutcome stuck = slots.run(() -> {
        while (!release.get()) {
          Thread.onSpinWait();
        }
        return OK;
      });
      assertThat(stuck).isInstanceOfSatisfying(CompileOutcome.Failed.class, f ->
          assertThat(f.errors().get(0).getMessage()).isEqualTo(
              "the compile did not stop within 0.3 s and was abandoned; the master freed its slot"));
      assertThat(slots.runaways()).isEqualTo(1);
      assertThat(slots.run(() -> OK)).isEqualTo(OK);
    } finally {
      release.set(true);
    }
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (slots.runaways() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(slots.runaways()).isZero();
  }

  @Test
  void hostileCompilesCannotKeepOtherNodesFromTheirCatalogs() throws Exception {
    // Each hostile compile runs a regex that backtracks for hours, through an entry point
    // that used to run it unbounded; one more of them than there are slots.
    Files.writeString(code.resolve("site.groovy"), """
        node(~/^evil/) {
          def s = 'a' * 40 + '!'
          file('/x', content: String.valueOf((~/(a*)*\\1b/).matcher(s).matches()))
        }
        node('good') { file('/etc/motd', content: 'hello') }
        """);
    int size = 2;
    CompileSlots slots = new CompileSlots(size, Duration.ofSeconds(5), Duration.ofSeconds(3));
    DslCatalogSource source = DslCatalogSource.load(code, List.of(), slots, Duration.ofMillis(500));
    ExecutorService pool = Executors.newFixedThreadPool(size + 1);
    try {
      List<Future<CompileOutcome>> hostile = new ArrayList<>();
      for (int i = 0; i <= size; i++) {
        String node = "evil" + i;
        hostile.add(pool.submit(() -> source.compile(node, Facts.getDefaultInstance())));
      }
      Thread.sleep(100); // let them take the slots first
      long start = System.nanoTime();
      CompileOutcome good = source.compile("good", Facts.getDefaultInstance());
      assertThat(good).isInstanceOfSatisfying(CompileOutcome.Compiled.class, c ->
          assertThat(c.catalog().getResources(0).getParametersMap().get("content")
              .getStringValue()).isEqualTo("hello"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      for (Future<CompileOutcome> f : hostile) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(CompileOutcome.Failed.class,
            failed -> assertThat(failed.errors().get(0).getMessage()).contains("time limit"));
      }
      assertThat(slots.runaways()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
