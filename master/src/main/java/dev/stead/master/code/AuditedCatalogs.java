package dev.stead.master.code;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Turns a compiled catalog into the one an audited node is served: {@code mode: AUDIT} and
 * every resource noop, sealed again (so the digest, and with it the agent's "unchanged"
 * answer, follows the mode). Marking the resources as well as the catalog means that whatever
 * checks a resource of it (a full run, a check of a few resources, a run on the cached copy)
 * leaves the machine alone, and that {@code noop: false} in code cannot undo the operator's
 * audit. Thread-safe.
 */
public final class AuditedCatalogs {
  /** Audited forms of recent compiles, by compiled digest: many nodes share few catalogs. */
  private static final int MAX_KEPT = 256;
  private final ConcurrentMap<String, Catalog> byCompiledDigest = new ConcurrentHashMap<>();

  /** {@code compiled} as served in {@code mode}: unchanged unless AUDIT. */
  public Catalog serve(Catalog compiled, Mode mode) {
    if (mode != Mode.AUDIT) {
      return compiled;
    }
    Catalog kept = byCompiledDigest.get(compiled.getDigest());
    if (kept != null) {
      return kept;
    }
    Catalog audited = audited(compiled);
    if (byCompiledDigest.size() >= MAX_KEPT) {
      byCompiledDigest.clear();
    }
    byCompiledDigest.put(compiled.getDigest(), audited);
    return audited;
  }

  /** {@code compiled} in audit mode, sealed. */
  public static Catalog audited(Catalog compiled) {
    Catalog.Builder builder = compiled.toBuilder().setMode(Mode.AUDIT);
    for (Resource.Builder resource : builder.getResourcesBuilderList()) {
      resource.setNoop(true);
    }
    return Catalogs.seal(builder.build());
  }
}
