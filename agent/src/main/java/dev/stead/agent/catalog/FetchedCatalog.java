package dev.stead.agent.catalog;

import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogOrigin;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a catalog fetch decided the agent enforces, and why. Built by named factories, one per
 * case: {@link #fresh} (the master sent a catalog), {@link #unchanged} (the master confirmed
 * the held one), {@link #cached} (the held one, because the master could not compile or
 * could not be reached; with the reason) and {@link #nothing} (the compile failed and no
 * cached catalog may be enforced). Immutable.
 */
public final class FetchedCatalog {
  /** Where the catalog to enforce comes from. */
  public enum Source {
    /** Sent by the master in this fetch, verified. */
    FRESH,
    /** The held catalog, which the master confirmed it compiled again now. */
    UNCHANGED,
    /** The held catalog, enforced without the master's word: see {@link #reason()}. */
    CACHED,
    /** No catalog to enforce: the master could not compile one and no cached one may be used. */
    NOTHING
  }

  private final Source source;
  private final Catalog catalog;
  private final NodeSecrets secrets;
  private final CatalogOrigin origin;
  private final String reason;
  private final List<String> compileErrors;
  private final boolean audited;
  private final String servedBy;

  private FetchedCatalog(Source source, Catalog catalog, NodeSecrets secrets,
      CatalogOrigin origin, String reason, List<String> compileErrors, boolean audited) {
    this(source, catalog, secrets, origin, reason, compileErrors, audited, "");
  }

  private FetchedCatalog(Source source, Catalog catalog, NodeSecrets secrets,
      CatalogOrigin origin, String reason, List<String> compileErrors, boolean audited,
      String servedBy) {
    this.servedBy = Objects.requireNonNull(servedBy, "servedBy");
    this.source = source;
    this.catalog = catalog;
    this.secrets = secrets;
    this.origin = origin;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.compileErrors = List.copyOf(compileErrors);
    this.audited = audited;
  }

  /** A catalog the master sent and the agent verified, with the envelopes it sent along. */
  public static FetchedCatalog fresh(Catalog catalog, NodeSecrets secrets, boolean audited) {
    return new FetchedCatalog(Source.FRESH, Objects.requireNonNull(catalog, "catalog"),
        Objects.requireNonNull(secrets, "secrets"), CatalogOrigin.FRESH, "", List.of(),
        audited);
  }

  /** The held catalog, confirmed by the master: as good as fresh. */
  public static FetchedCatalog unchanged(Catalog held, boolean audited) {
    return new FetchedCatalog(Source.UNCHANGED, Objects.requireNonNull(held, "held"), null,
        CatalogOrigin.FRESH, "", List.of(), audited);
  }

  /**
   * The held catalog enforced because of {@code origin} (the master was unreachable, or could
   * not compile: then {@code compileErrors} say where, as {@code file:line: message}).
   */
  public static FetchedCatalog cached(Catalog held, CatalogOrigin origin, String reason,
      List<String> compileErrors, boolean audited) {
    if (origin != CatalogOrigin.CACHED_MASTER_UNREACHABLE
        && origin != CatalogOrigin.CACHED_COMPILE_FAILED) {
      throw new IllegalArgumentException("origin of a cached catalog: " + origin);
    }
    return new FetchedCatalog(Source.CACHED, Objects.requireNonNull(held, "held"), null,
        origin, reason, compileErrors, audited);
  }

  /** The compile failed and there is no cached catalog to fall back on (or it may not be). */
  public static FetchedCatalog nothing(String reason, List<String> compileErrors,
      boolean audited) {
    return new FetchedCatalog(Source.NOTHING, null, null, CatalogOrigin.CACHED_COMPILE_FAILED,
        reason, compileErrors, audited);
  }

  public Source source() {
    return source;
  }

  /** The catalog to enforce; empty for {@link Source#NOTHING}. */
  public Optional<Catalog> catalog() {
    return Optional.ofNullable(catalog);
  }

  /** The envelopes that came with a fresh catalog; empty otherwise (they are held already). */
  public Optional<NodeSecrets> secrets() {
    return Optional.ofNullable(secrets);
  }

  /** What the report says about where the enforced catalog came from. */
  public CatalogOrigin origin() {
    return origin;
  }

  /** Why the cached catalog is enforced, or why nothing is; empty for a fresh one. */
  public String reason() {
    return reason;
  }

  /** The master's compile errors, each {@code file:line: message}; empty unless it failed. */
  public List<String> compileErrors() {
    return compileErrors;
  }

  /**
   * The same decision, made on the answer of the master that named itself {@code master}
   * (its {@code served_by}).
   */
  public FetchedCatalog answeredBy(String master) {
    return new FetchedCatalog(source, catalog, secrets, origin, reason, compileErrors, audited,
        master);
  }

  /** The master that answered, as it named itself; empty when none answered. */
  public String servedBy() {
    return servedBy;
  }

  /** True when the master said this node is in audit mode. */
  public boolean audited() {
    return audited;
  }

  @Override
  public String toString() {
    return source + (reason.isEmpty() ? "" : " (" + reason + ")");
  }
}
