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

  /**
   * True when {@code compile(node, facts)} is known, without compiling, to give now a catalog
   * whose digest is {@code knownDigest} (the compiled catalog, before the master adds the
   * node's mode or drift exceptions); false when only a compile can tell. Does what
   * {@code compile} does besides compiling (records the facts the fleet sees).
   */
  default boolean unchanged(String node, Facts facts, String knownDigest) {
    return false;
  }

  /**
   * The master answered {@code node} "unchanged": {@link #unchanged} said so, and the store
   * and the node's drift exceptions agreed. Sources that count what they serve count it here,
   * not in {@code unchanged}, which the master asks first and may overrule.
   */
  default void servedUnchanged(String node) {
  }
}
