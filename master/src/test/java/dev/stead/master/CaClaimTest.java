package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.storage.CaRoleLock;
import dev.stead.master.storage.MasterRecord;
import dev.stead.master.storage.Store;
import dev.stead.master.storage.StoreConfig;
import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.proto.v1.BootstrapGrpc;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CertificateState;
import dev.stead.proto.v1.CertificateStatus;
import dev.stead.proto.v1.SubmitCsrRequest;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Pem;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One CA master per PostgreSQL store: a second one is refused while the first is alive, even
 * with a copy of its CA key; the first stopped cleanly leaves no claim, and a killed one's
 * claim lapses ten seconds after its last heartbeat, and never holds back that master itself
 * restarted at its address. A CA master that lost the store's lock to another signs nothing
 * until it holds it again.
 */
class CaClaimTest {
  private static final CatalogSource SOURCE = (node, facts) -> CompileOutcome.compiled(
      Catalogs.seal(Catalog.newBuilder().setNode(node).setCodeVersion("test").build()));

  @TempDir Path tmp;
  private final List<AutoCloseable> cleanup =
      java.util.Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private Master start(Path data, StoreConfig store) throws Exception {
    return start(data, store, 0);
  }

  private Master start(Path data, StoreConfig store, int port) throws Exception {
    Master master = Master.builder(new MasterConfig(data, tmp, List.of(), "127.0.0.1", port,
        "*").withStore(store)).catalogSource(SOURCE).start();
    cleanup.add(master);
    return master;
  }

  private static List<String> addresses(Store registry) {
    return registry.masters().stream().map(MasterRecord::address).toList();
  }

  private static StoreConfig newDatabase() throws IOException {
    PostgresCluster cluster = PostgresCluster.shared();
    return StoreConfig.postgres(cluster.createDatabase(), cluster.credentials());
  }

  /** The store as a master's registry, read beside the masters under test. */
  private Store registryOf(StoreConfig store) throws IOException {
    Store registry = store.open(tmp.resolve("registry"));
    cleanup.add(registry);
    return registry;
  }

  /** Gives the master at {@code to} a copy of the CA key of the one at {@code from}. */
  private static void copyCaKey(Path from, Path to) throws IOException {
    Files.createDirectories(to.resolve("ca"));
    for (String file : List.of("ca.pem", "ca_key.pem")) {
      Files.copy(from.resolve("ca").resolve(file), to.resolve("ca").resolve(file),
          StandardCopyOption.COPY_ATTRIBUTES);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aSecondCaMasterIsRefusedWhileTheFirstIsAliveAndStartsOnceItStoppedOrLapsed()
      throws Exception {
    StoreConfig store = newDatabase();
    Store registry = registryOf(store);
    Path dataA = tmp.resolve("a");
    Path dataB = tmp.resolve("b");
    Master a = start(dataA, store);

    // B has a copy of A's CA key: both would sign and write the CRL. B is refused.
    copyCaKey(dataA, dataB);
    assertThatThrownBy(() -> start(dataB, store))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the master at " + a.address() + " holds the CA role")
        .hasMessageMatching(".*last seen [0-9] s ago.*")
        .hasMessageContaining("start this master with --no-ca, or stop that one first")
        .hasMessageContaining("10 s after its last heartbeat");
    // Nothing of B: no server credentials, no admin, no address, no record.
    assertThat(names(dataB.resolve("ca"))).containsExactly("ca.pem", "ca_key.pem");
    assertThat(dataB.resolve("admin")).doesNotExist();
    assertThat(dataB.resolve(MasterAddress.FILE)).doesNotExist();
    assertThat(addresses(registry)).containsExactly(a.address());

    // A stops cleanly: its record goes, and a CA master starts at once (A again, on a new
    // port, is not refused by its own former record).
    a.close();
    assertThat(addresses(registry)).isEmpty();
    Master again = start(dataA, store);
    assertThat(addresses(registry)).containsExactly(again.address());
    again.close();

    // A CA master killed 5 s ago still holds the role; 11 s ago, its claim has lapsed.
    long now = System.currentTimeMillis();
    registry.heartbeat(new MasterRecord("killed.test:8140", true, Map.of(), now - 60_000,
        now - 5_000));
    assertThatThrownBy(() -> start(dataA, store))
        .hasMessageMatching("the master at killed\\.test:8140 holds the CA role on this store"
            + " \\(last seen [56] s ago\\).*");
    registry.heartbeat(new MasterRecord("killed.test:8140", true, Map.of(), now - 60_000,
        System.currentTimeMillis() - 11_000));
    Master afterKill = start(dataA, store);
    // The killed master's record stays, aging, beside the new CA master's.
    assertThat(addresses(registry)).containsExactlyInAnyOrder("killed.test:8140",
        afterKill.address());
  }

  @Test
  void aCaMasterRestartedAtItsAddressIsNotRefusedByTheRecordItLeftWhenKilled() throws Exception {
    StoreConfig store = newDatabase();
    Store registry = registryOf(store);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    long now = System.currentTimeMillis();
    registry.heartbeat(new MasterRecord("127.0.0.1:" + port, true, Map.of(), now - 60_000,
        now - 1_000));

    Master master = start(tmp.resolve("a"), store, port);

    assertThat(master.address()).isEqualTo("127.0.0.1:" + port);
    assertThat(registry.masters()).singleElement()
        .satisfies(m -> assertThat(m.startedAtMs()).isGreaterThanOrEqualTo(now));
  }

  @Test
  void ofTwoCaMastersStartedAtTheSameMomentOnlyOneStarts() throws Exception {
    StoreConfig store = newDatabase();
    Store registry = registryOf(store);
    Path dataA = tmp.resolve("a");
    Path dataB = tmp.resolve("b");
    start(dataA, store).close();
    copyCaKey(dataA, dataB);

    // Neither has written its record when the other looks: the store's lock decides.
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService starters =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    List<java.util.concurrent.Future<Master>> started = new ArrayList<>();
    for (Path data : List.of(dataA, dataB)) {
      started.add(starters.submit(() -> {
        together.await();
        return start(data, store);
      }));
    }
    List<Master> running = new ArrayList<>();
    List<Throwable> refused = new ArrayList<>();
    for (java.util.concurrent.Future<Master> f : started) {
      try {
        running.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        refused.add(e.getCause());
      }
    }
    starters.shutdown();

    assertThat(running).hasSize(1);
    assertThat(refused).singleElement().isInstanceOf(IOException.class)
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("holds the CA role on this store",
            "holds the store's CA lock"))
        .satisfies(e -> assertThat(e.getMessage()).contains("start this master with --no-ca"));
    assertThat(addresses(registry)).containsExactly(running.get(0).address());
  }

  @Test
  void aCaMasterThatLostTheLockToAnotherSignsNothingUntilItHoldsItAgain() throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    StoreConfig store = StoreConfig.postgres(db, cluster.credentials());
    Path data = tmp.resolve("a");
    Master a = start(data, store);
    Store other = registryOf(store);
    ManagedChannel anonymous = TestPki.channel(a.port(),
        Pem.readCertificate(data.resolve("ca/ca.pem")), null, null);
    cleanup.add(() -> anonymous.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    BootstrapGrpc.BootstrapBlockingStub bootstrap = BootstrapGrpc.newBlockingStub(anonymous);
    assertThat(submit(bootstrap, "before.test", TestPki.ecKey()).getState())
        .isEqualTo(CertificateState.SIGNED);

    // A's database session ends (a database restart, say) and another process takes the
    // lock before A's next heartbeat renews it.
    cluster.execute(db.database(), "SELECT pg_terminate_backend(pid) FROM pg_locks"
        + " WHERE locktype = 'advisory' AND granted");
    CaRoleLock taken = null;
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        taken == null && System.nanoTime() < end; Thread.sleep(20)) {
      taken = other.tryLockCaRole().orElse(null);
    }
    assertThat(taken).as("the lock, free once A's session ended").isNotNull();

    // Within a heartbeat A stops signing: a new node's request waits (nodes that asked
    // before A noticed were signed), and an operator's sign is refused saying why.
    String waiting = null;
    KeyPair key = null;
    for (int i = 0; waiting == null && i < 75; i++) {
      key = TestPki.ecKey();
      if (submit(bootstrap, "during" + i + ".test", key).getState()
          == CertificateState.PENDING) {
        waiting = "during" + i + ".test";
      } else {
        Thread.sleep(200);
      }
    }
    assertThat(waiting).as("a request left waiting within 15 s").isNotNull();
    String name = waiting;
    try (AdminClient admin = AdminClient.connect(data, null)) {
      assertThatThrownBy(() -> admin.sign(name))
          .hasMessageContaining("lost the store's CA lock to another master");
    }
    KeyPair waitingKey = key;
    assertThat(submit(bootstrap, name, waitingKey).getState())
        .isEqualTo(CertificateState.PENDING);

    // The other lets go: A takes the lock back at its next heartbeat and signs what waited.
    taken.close();
    assertThat(eventually(() -> submit(bootstrap, name, waitingKey).getState(),
        CertificateState.SIGNED)).isTrue();
  }

  private static CertificateStatus submit(BootstrapGrpc.BootstrapBlockingStub bootstrap,
      String certname, KeyPair key) {
    String csr;
    try {
      csr = TestPki.csr(certname, key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return bootstrap.withDeadlineAfter(10, TimeUnit.SECONDS).submitCsr(
        SubmitCsrRequest.newBuilder().setCertname(certname).setCsrPem(csr).build());
  }

  /** Whether {@code state} gives {@code wanted} within 15 s (asked every 200 ms). */
  private static <T> boolean eventually(java.util.function.Supplier<T> state, T wanted)
      throws InterruptedException {
    for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        System.nanoTime() < end; Thread.sleep(200)) {
      if (wanted.equals(state.get())) {
        return true;
      }
    }
    return false;
  }
}
