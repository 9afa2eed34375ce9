package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.rpc.ServerConcurrency;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.RunStatus;
import dev.stead.proto.v1.SubmitReportRequest;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import dev.stead.wire.Values;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master flooded with more compiling catalog requests than it can serve, over real mTLS on
 * loopback with a real RocksDB store: its threads stay bounded, the requests beyond its queue
 * are refused at once with UNAVAILABLE saying it is busy and when to retry, and meanwhile an
 * unchanged check-in and a report are answered. The compiles of the flooding node are held
 * until the test lets them go, so "more than it can serve" does not depend on this machine's
 * speed.
 */
class OverloadTest {
  private static final String FLOOD = "flood.example.com";
  private static final String STEADY = "steady.example.com";
  /** 2 handshake, 8 call, 2 report and 2 catalog threads, 4 queued catalog requests. */
  private static final ServerConcurrency SMALL = new ServerConcurrency(2, 8, 2, 2, 4,
      java.time.Duration.ofSeconds(10));
  private static final int REQUESTS = 80;

  @TempDir Path data;
  @TempDir Path code;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();

  /** A catalog per node (the same whatever the facts); the flooding node's compiles wait. */
  private final CatalogSource source = new CatalogSource() {
    @Override
    public CompileOutcome compile(String node, Facts facts) {
      if (node.equals(FLOOD)) {
        held.incrementAndGet();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return CompileOutcome.compiled(catalog(node));
    }

    @Override
    public boolean unchanged(String node, Facts facts, String knownDigest) {
      return catalog(node).getDigest().equals(knownDigest);
    }
  };

  private static Catalog catalog(String node) {
    return Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd")).build());
  }

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void aFloodOfCompilesIsQueuedOrRefusedAtOnceWhileThreadsStayBoundedAndOtherCallsGoThrough()
      throws Exception {
    Master master = Master.builder(new MasterConfig(data, code, List.of(), "127.0.0.1", 0, "*"))
        .catalogSource(source).concurrency(SMALL).start();
    cleanup.add(master);
    ManagedChannel steady = enrolled(master, STEADY);
    ManagedChannel flood = enrolled(master, FLOOD);
    GetCatalogResponse first = CatalogServiceGrpc.newBlockingStub(steady)
        .withDeadlineAfter(10, TimeUnit.SECONDS).getCatalog(request(STEADY, "", 0));
    assertThat(first.hasCatalog()).isTrue();
    ReportServiceGrpc.ReportServiceBlockingStub reports = ReportServiceGrpc.newBlockingStub(steady)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    reports.submitReport(report("warm-up"));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();

    Queue<Status> refused = new ConcurrentLinkedQueue<>();
    Queue<Metadata> refusedTrailers = new ConcurrentLinkedQueue<>();
    Queue<GetCatalogResponse> answered = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(REQUESTS);
    // Callbacks on the transport's thread: the client adds no thread of its own.
    CatalogServiceGrpc.CatalogServiceStub async = CatalogServiceGrpc.newStub(flood)
        .withExecutor(Runnable::run).withDeadlineAfter(60, TimeUnit.SECONDS);
    long sent = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      // New facts each time: every one of them needs a compile.
      async.getCatalog(request(FLOOD, "", i), new StreamObserver<>() {
        @Override
        public void onNext(GetCatalogResponse value) {
          answered.add(value);
        }

        @Override
        public void onError(Throwable t) {
          refused.add(Status.fromThrowable(t));
          Metadata trailers = Status.trailersFromThrowable(t);
          refusedTrailers.add(trailers == null ? new Metadata() : trailers);
          done.countDown();
        }

        @Override
        public void onCompleted() {
          done.countDown();
        }
      });
    }
    int accepted = SMALL.catalogThreads() + SMALL.catalogQueue();
    waitFor(() -> refused.size() == REQUESTS - accepted
        && held.get() == SMALL.catalogThreads(), 20);
    long refusedWithinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    int during = threads.getThreadCount();

    // What a node sees: the master is busy, and when to come back.
    assertThat(refused).hasSize(REQUESTS - accepted).allSatisfy(status -> {
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription())
          .startsWith("the master is busy: " + SMALL.catalogQueue()
              + " catalog requests wait for a compile (" + SMALL.catalogThreads()
              + " at a time); retry in about ")
          .endsWith(" s");
    });
    assertThat(refusedTrailers).allSatisfy(trailers -> assertThat(trailers.get(
        Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER)))
        .matches("[0-9]+"));
    // Refused while the compiles are still held: not after a 30 s wait for a slot.
    assertThat(refusedWithinMs).isLessThan(15_000);
    assertThat(answered).isEmpty();
    // 80 calls in the master's hands; the threads grew by the pools' bounds at most.
    assertThat(during - before).isLessThanOrEqualTo(SMALL.handshakeThreads()
        + SMALL.callThreads() + SMALL.reportThreads() + SMALL.catalogThreads() + 4);

    // Meanwhile: an unchanged check-in is answered from the digest, and a report is stored.
    GetCatalogResponse unchanged = CatalogServiceGrpc.newBlockingStub(steady)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getCatalog(request(STEADY, first.getCatalog().getDigest(), 1));
    assertThat(unchanged.getUnchanged()).isTrue();
    reports.withDeadlineAfter(5, TimeUnit.SECONDS).submitReport(report("during-flood"));
    assertThat(threads.getThreadCount() - before).isLessThanOrEqualTo(SMALL.handshakeThreads()
        + SMALL.callThreads() + SMALL.reportThreads() + SMALL.catalogThreads() + 4);
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThat(admin.nodes()).filteredOn(n -> n.getName().equals(STEADY))
          .singleElement().satisfies(n ->
              assertThat(n.getLastReportId()).isEqualTo("during-flood"));
    }

    // Let the compiles go: what was queued is served.
    release.countDown();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(answered).hasSize(accepted)
        .allSatisfy(a -> assertThat(a.getCatalog().getNode()).isEqualTo(FLOOD));
  }

  private static GetCatalogRequest request(String node, String knownDigest, int run) {
    return GetCatalogRequest.newBuilder().setNode(node).setKnownDigest(knownDigest)
        .setFacts(Facts.newBuilder().putValues("run", Values.of(run))).build();
  }

  private static SubmitReportRequest report(String id) {
    return SubmitReportRequest.newBuilder().setReport(Report.newBuilder().setId(id)
        .setNode(STEADY).setStartedAtMs(System.currentTimeMillis())
        .setStatus(RunStatus.UNCHANGED).setCodeVersion("test")).build();
  }

  private ManagedChannel enrolled(Master master, String name) throws Exception {
    ManagedChannel channel = TestPki.enrolled(master.port(),
        Pem.readCertificate(data.resolve("ca/ca.pem")), name, TestPki.ecKey());
    cleanup.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return channel;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }
}
