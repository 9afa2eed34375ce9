package dev.stead.master.code;

import dev.stead.proto.v1.Facts;
import java.util.Optional;

/**
 * Where catalogs come from. Implementations are thread-safe. A compile error in the code is
 * an outcome, not an exception; an exception means the source itself is broken.
 */
@FunctionalInterface
public interface CatalogSource {

  CompileOutcome compile(String node, Facts facts);

  /**
   * The version of the code this source compiles from now (what its catalogs carry); empty
   * when it has none, e.g. its code does not load. As cheap as a compile's own check for
   * changed code: no file is read for it.
   */
  default Optional<String> codeVersion() {
    return Optional.empty();
  }
}
