package dev.stead.agent.catalog;

import dev.stead.agent.client.AgentFailure;
import dev.stead.agent.client.Failover;
import dev.stead.agent.client.MasterAddress;
import dev.stead.wire.CallFailures;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.CatalogServiceGrpc;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.GetCatalogRequest;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.RunSlot;
import dev.stead.wire.Catalogs;
import io.grpc.StatusRuntimeException;
import java.security.PrivateKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks the master for this node's catalog and decides what the run enforces
 * ({@link FetchedCatalog}): the catalog sent, verified (digest, node); the held one when the
 * master answers "unchanged"; the held one with the reason when the master cannot compile or
 * cannot be reached and the cached catalog may be used. Refuses what cannot be trusted with an
 * {@link AgentFailure}; a failed call that waiting will not cure escapes as the gRPC failure.
 * Immutable.
 */
public final class CatalogFetch {
  private static final long RPC_DEADLINE_S = 30;

  private final Failover masters;
  private final String node;
  private final boolean useCached;
  /** The run slot the master's answer carried, or null. */
  private RunSlot slot;

  /**
   * Fetches the catalog of {@code node} from the masters {@code masters} calls (failing over
   * to the next one while a master is unavailable); {@code useCached}: a held catalog may be
   * enforced when no master answers or the code does not compile.
   */
  public CatalogFetch(Failover masters, String node, boolean useCached) {
    this.masters = Objects.requireNonNull(masters, "masters");
    this.node = Objects.requireNonNull(node, "node");
    this.useCached = useCached;
  }

  /**
   * One fetch. {@code held} (or null) is the catalog this agent last verified: its digest goes
   * to the master as {@code known_digest} whether or not it may be enforced, since
   * "unchanged" means the master compiled exactly that catalog now; {@code heldEnvelopesKey}
   * names the key its envelopes are sealed to (empty when unknown). {@code key} opens the
   * envelopes sent with a fresh catalog.
   */
  public FetchedCatalog fetch(Facts facts, Catalog held, String heldEnvelopesKey,
      PrivateKey key) {
    GetCatalogRequest request = GetCatalogRequest.newBuilder()
        .setNode(node)
        .setFacts(facts)
        .setKnownDigest(held == null ? "" : held.getDigest())
        .setKnownEnvelopesKey(heldEnvelopesKey)
        .build();
    GetCatalogResponse response;
    MasterAddress address;
    try {
      Failover.Answer<GetCatalogResponse> answer = masters.callUnchecked((channel, at) ->
          CatalogServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(RPC_DEADLINE_S, TimeUnit.SECONDS)
              .getCatalog(request));
      response = answer.value();
      address = answer.from();
    } catch (StatusRuntimeException e) {
      if (!CallFailures.isTransient(e) || !useCached || held == null) {
        throw e;
      }
      String where = masters.choice().masters().size() == 1
          ? masters.choice().current().toString()
          : "every master of " + masters.choice().masters();
      return FetchedCatalog.cached(held, CatalogOrigin.CACHED_MASTER_UNREACHABLE,
          CallFailures.describe(e, where), List.of(), false);
    }
    slot = response.hasRunSlot() ? response.getRunSlot() : null;
    return decide(response, address, held, key).answeredBy(response.getServedBy());
  }

  private FetchedCatalog decide(GetCatalogResponse response, MasterAddress address,
      Catalog held, PrivateKey key) {
    // The master says the node's mode with every answer; it matters on its own only when a
    // cached catalog is enforced (a served one carries it inside).
    boolean audited = response.getMode() == Mode.AUDIT;
    if (response.getUnchanged() && held == null) {
      throw new AgentFailure("the master at " + address + " answered 'unchanged' "
          + "although this agent holds no catalog");
    }
    if (response.hasFailure()) {
      List<String> errors = response.getFailure().getErrorsList().stream()
          .map(CatalogFetch::located).toList();
      String why = "the catalog did not compile: "
          + (errors.isEmpty() ? "no details" : errors.get(0))
          + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
      return useCached && held != null
          ? FetchedCatalog.cached(held, CatalogOrigin.CACHED_COMPILE_FAILED, why, errors,
              audited)
          : FetchedCatalog.nothing(why, errors, audited);
    }
    if (response.getUnchanged()) {
      return FetchedCatalog.unchanged(held, audited);
    }
    if (!response.hasCatalog()) {
      throw new AgentFailure("the master at " + address + " sent neither a catalog nor errors");
    }
    Catalog catalog = response.getCatalog();
    if (!Catalogs.verify(catalog)) {
      throw new AgentFailure("the catalog's digest does not match its content: refusing it");
    }
    if (!catalog.getNode().equals(node)) {
      throw new AgentFailure("the master sent the catalog of " + catalog.getNode()
          + ", not of " + node);
    }
    return FetchedCatalog.fresh(catalog, NodeSecrets.of(response.getSecretEnvelopesMap(), key,
        response.getEnvelopesKey()), audited);
  }

  /**
   * The run slot the master assigned in its answer to the last {@link #fetch}; empty when it
   * sent none (a master that assigns no slots) or did not answer.
   */
  public Optional<RunSlot> slot() {
    return Optional.ofNullable(slot);
  }

  /** {@code file:line: message}, or the message alone when the error has no place. */
  private static String located(CompileError e) {
    if (!e.hasLocation() || e.getLocation().getFile().isEmpty()) {
      return e.getMessage();
    }
    return e.getLocation().getFile()
        + (e.getLocation().getLine() > 0 ? ":" + e.getLocation().getLine() : "")
        + (e.getLocation().getColumn() > 0 ? ":" + e.getLocation().getColumn() : "") + ": "
        + e.getMessage();
  }
}
