package dev.stead.master.code;

import dev.stead.proto.v1.Facts;

/**
 * Where catalogs come from. Implementations are thread-safe. A compile error in the code is
 * an outcome, not an exception; an exception means the source itself is broken.
 */
@FunctionalInterface
public interface CatalogSource {

  CompileOutcome compile(String node, Facts facts);
}
