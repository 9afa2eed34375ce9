package dev.stead.master.rpc;

import com.google.protobuf.ByteString;
import dev.stead.master.code.AuditedCatalogs;
import dev.stead.master.code.CatalogSource;
import dev.stead.master.code.CompileOutcome;
import dev.stead.master.code.CompiledVersions;
import dev.stead.master.fleet.DriftExceptions;
import dev.stead.master.schedule.RunSlots;
import dev.stead.master.secrets.SecretService;
import dev.stead.master.storage.NodeClassifications;
import dev.stead.master.storage.Nodes;
import dev.stead.master.storage.Store;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CompileFailure;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.RunSlot;
import dev.stead.master.secrets.RecipientKey;
import dev.stead.wire.Catalogs;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves a node its catalog: stores the facts it sent, compiles, stores the catalog and
 * records the node. When the agent already holds a catalog with the compiled digest
 * ({@code known_digest}) the answer is {@code unchanged}, without the catalog or its secrets,
 * unless the catalog has secrets and the envelopes the agent keeps were sealed to another key
 * than its certificate's (a node re-enrolled with a new key): then they are sealed anew. A
 * compile error is a normal response ({@code failure}); only a broken master yields INTERNAL.
 *
 * <p>The node's mode, as the operator set it, shapes what is served: an audited node gets
 * its catalog in audit mode ({@link AuditedCatalogs}), and every answer says the mode.
 *
 * <p>An agent whose catalog has not changed is told so without a compile when the source
 * knows the compiled digest from its cache ({@link CatalogSource#unchanged}), even after the
 * catalog itself was pushed out of it, or from the compile memo in the store after a restart.
 * That shortcut is taken only where the served catalog is the compiled one (the node is not
 * audited and has no drift exception in force), where the store holds that very digest as the
 * node's catalog, and where secrets need no new envelopes; anything else is compiled as
 * above.
 *
 * <p>A request that needs a compile leaves its call thread for the {@link CatalogQueue} and
 * is answered from there; when the queue does not take it (full, or more work waiting than
 * it allows) it is refused at once with UNAVAILABLE ("the master is busy", and when to
 * retry). An unchanged check-in is answered on its call thread, so it never waits behind
 * compiles.
 *
 * <p>Every answer also carries the node's run slot ({@link RunSlots}), outside the catalog:
 * where in its run interval the node's scheduled runs fall.
 */
public final class CatalogEndpoint extends CatalogServiceGrpc.CatalogServiceImplBase {
  private static final Logger LOG = Logger.getLogger(CatalogEndpoint.class.getName());
  private final Store store;
  private final Nodes nodes;
  private final CatalogSource source;
  private final SecretService secrets;
  private final DriftExceptions exceptions;
  private final NodeClassifications classifications;
  private final RunSlots runSlots;
  private final AuditedCatalogs audited = new AuditedCatalogs();
  private final CompiledVersions versions;
  private final CatalogQueue queue;
  /** This master's registered address, named in every answer (empty until it is bound). */
  private final Supplier<String> servedBy;
  private final StoredCatalogs stored;

  /** Each compile error is logged once, not once per node and run. */
  private final SeenOnce errorsLogged = new SeenOnce(1_000);

  /**
   * {@code runSlots} gives each node's run slot, {@code versions} hears the code version of
   * each catalog compiled, and every answer names {@code servedBy} (outside the catalog and its
   * digest). Requests that need a compile wait in {@code queue}, or are refused there. {@code
   * sharedStore}: other masters write to {@code store} too.
   */
  public CatalogEndpoint(Store store, Nodes nodes, CatalogSource source,
      SecretService secrets, SourceGrants grants,
      DriftExceptions exceptions, NodeClassifications classifications, RunSlots runSlots,
      CompiledVersions versions, Supplier<String> servedBy, CatalogQueue queue,
      boolean sharedStore) {
    this.stored = new StoredCatalogs(store, grants, sharedStore);
    this.queue = java.util.Objects.requireNonNull(queue, "queue");
    this.runSlots = runSlots;
    this.versions = versions;
    this.servedBy = servedBy;
    this.exceptions = exceptions;
    this.classifications = classifications;
    this.store = store;
    this.nodes = nodes;
    this.source = source;
    this.secrets = secrets;
  }

  /**
   * This service, its catalogs written with the encoding they were sealed with rather than
   * serialized again ({@link CatalogAnswerEncoding}); what the master serves.
   */
  public ServerServiceDefinition service() {
    return CatalogAnswerEncoding.bind(this);
  }

  /**
   * Checks the request and answers it at once when the agent's catalog is known unchanged;
   * otherwise hands the compile to the {@link CatalogQueue}, or refuses it there and then
   * when the queue does not take it.
   */
  @Override
  public void getCatalog(GetCatalogRequest request,
      StreamObserver<GetCatalogResponse> observer) {
    String what = "compiling the catalog of '" + request.getNode() + "'";
    Optional<Checked> checked = Unary.run(observer, what, () -> check(request));
    if (checked.isEmpty()) {
      return;
    }
    if (checked.get().unchanged() != null) {
      observer.onNext(checked.get().unchanged());
      observer.onCompleted();
      return;
    }
    Mode mode = checked.get().mode();
    queue.submit(() -> Unary.respond(observer, what, () -> compile(request, mode)))
        .ifPresent(busy -> {
          LOG.fine(() -> "catalog refused node=" + request.getNode() + " answer=busy");
          observer.onError(busy);
        });
  }

  /** The node's mode, and the answer when it needs no compile (else null). */
  private record Checked(Mode mode, GetCatalogResponse unchanged) {}

  private Checked check(GetCatalogRequest request) {
    String node = request.getNode();
    Identity.current().requireNode(node, "fetch the catalog");
    InputLimits.checkFacts(node, request.getFacts());
    store.putFacts(node, request.getFacts());
    nodes.seen(node);
    Mode mode = classifications.mode(node);
    if (knownUnchanged(request, mode)) {
      source.servedUnchanged(node);
      LOG.info(() -> "catalog served node=" + node + " digest="
          + Catalogs.shortDigest(request.getKnownDigest()) + " cache=digest"
          + " answer=unchanged");
      return new Checked(mode, answer(mode, runSlots.slotOf(node)).setUnchanged(true).build());
    }
    return new Checked(mode, null);
  }

  /**
   * Compiles (on a catalog thread), stores what changed and answers. The run slot is looked
   * up after the compile: a master that has just started reads its node list for the slots
   * meanwhile.
   */
  private GetCatalogResponse compile(GetCatalogRequest request, Mode mode) {
    String node = request.getNode();
    long compileStart = System.nanoTime();
    CompileOutcome outcome = source.compile(node, request.getFacts());
    long compileMs = (System.nanoTime() - compileStart) / 1_000_000;
    RunSlot slot = runSlots.slotOf(node);
    if (outcome instanceof CompileOutcome.Compiled compiledOnly) {
      // The node's drift exceptions and its mode travel in its catalog (and change its
      // digest).
      CompileOutcome.Compiled compiled = new CompileOutcome.Compiled(
          audited.serve(exceptions.served(compiledOnly.catalog()), mode),
          compiledOnly.fromCache());
      String digest = compiled.catalog().getDigest();
      versions.compiled(compiled.catalog().getEnvironment(),
          compiled.catalog().getCodeVersion());
      if (!compiled.fromCache()) {
        // warning() and notice() of the code: into the master's log once per compile (and
        // into the agent's report through the catalog).
        for (String said : compiled.catalog().getCompileMessagesList()) {
          LOG.log(said.startsWith("warning:") ? Level.WARNING
              : Level.INFO, () -> "compile node=" + node + " " + said);
        }
      }
      StoredCatalogs.Stored stored = this.stored.storeIfNew(node, compiled.catalog());
      X509Certificate caller = Identity.current().certificate().orElseThrow();
      String callerKey = RecipientKey.of(caller);
      // The agent's envelopes open only with the key they were sealed to.
      boolean unchanged = digest.equals(request.getKnownDigest())
          && (!stored.hasSecrets() || callerKey.equals(request.getKnownEnvelopesKey()));
      LOG.info(() -> "catalog served node=" + node + " digest=" + Catalogs.shortDigest(digest)
          + (compiled.fromCache() ? " cache=hit" : " compile_ms=" + compileMs)
          + (mode == Mode.AUDIT ? " mode=audit" : "")
          + (compiled.catalog().getEnvironment().equals("production") ? ""
              : " environment=" + compiled.catalog().getEnvironment())
          + " answer=" + (unchanged ? "unchanged" : "catalog"));
      if (unchanged) {
        return answer(mode, slot).setUnchanged(true).build();
      }
      GetCatalogResponse.Builder answer = answer(mode, slot).setCatalog(compiled.catalog());
      if (stored.hasSecrets()) {
        answer.putAllSecretEnvelopes(sealSecrets(compiled.catalog(), caller))
            .setEnvelopesKey(callerKey);
      }
      return answer.build();
    }
    CompileOutcome.Failed failed = (CompileOutcome.Failed) outcome;
    String error = failed.errors().get(0).getLocation().getFile() + ":"
        + failed.errors().get(0).getLocation().getLine() + ": "
        + failed.errors().get(0).getMessage();
    if (errorsLogged.firstTime(error)) {
      LOG.warning(() -> "the code does not compile (first seen for " + node + "; each node "
          + "keeps its cached catalog and reports it as stale): " + error);
    }
    return answer(mode, slot)
        .setFailure(CompileFailure.newBuilder().addAllErrors(failed.errors())).build();
  }

  /** What every answer carries beside its catalog, unchanged flag or failure. */
  private GetCatalogResponse.Builder answer(Mode mode, RunSlot slot) {
    return GetCatalogResponse.newBuilder().setMode(mode).setRunSlot(slot)
        .setServedBy(servedBy.get());
  }

  /**
   * Whether the agent holds what a compile would serve it now, known without compiling. The
   * served catalog must be the compiled one (not audited, no drift exception in force: both
   * change the digest), the store must hold exactly that digest as the node's catalog (so
   * the store and this master's grants are as a compile would leave them), the envelopes the agent
   * keeps must open (sealed to its key, or no secrets), and the source must know the
   * compile's digest from its cache.
   *
   * <p>The source is asked first: when the node's facts or the code changed (every check-in
   * of a fleet whose facts change each run) it says no from memory, and the store is not read.
   * Asked last, the first check-in of each node after a restart read the node's whole stored
   * catalog back (400 KB at 1,000 resources) only to compile a new one, and on a shared store
   * every check-in read the stored digest.
   */
  private boolean knownUnchanged(GetCatalogRequest request, Mode mode) {
    String node = request.getNode();
    String known = request.getKnownDigest();
    if (known.isEmpty() || mode == Mode.AUDIT
        || !source.unchanged(node, request.getFacts(), known)) {
      return false;
    }
    StoredCatalogs.Stored stored = this.stored.current(node, known);
    if (stored == null || !known.equals(stored.digest())) {
      return false;
    }
    if (stored.hasSecrets()) {
      X509Certificate caller = Identity.current().certificate().orElseThrow();
      if (!RecipientKey.of(caller).equals(request.getKnownEnvelopesKey())) {
        return false;
      }
    }
    return exceptions.active(node).isEmpty();
  }

  /** The catalog's secrets sealed to the caller's certificate (the catalog holds refs only). */
  private Map<String, ByteString> sealSecrets(
      Catalog catalog, X509Certificate caller) {
    try {
      return secrets.seal(catalog, caller);
    } catch (IllegalArgumentException e) {
      throw Status.FAILED_PRECONDITION.withDescription(e.getMessage())
          .asRuntimeException();
    }
  }
}
