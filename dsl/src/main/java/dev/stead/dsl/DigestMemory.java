package dev.stead.dsl;

import dev.stead.proto.v1.CompileMemo;
import java.util.Optional;

/**
 * Where a {@link CachingCompiler} keeps, per node, a memo of its last cacheable compile
 * beyond its own memory: the master's store, so that after a restart, or on another master
 * sharing the database, a node whose catalog did not change is told so without a compile.
 * Implementations are thread-safe; a memo that cannot be read or written is as no memo (the
 * node is compiled), never a failed compile.
 */
public interface DigestMemory {
  /** Keeps nothing: every restart starts with an empty cache. */
  DigestMemory NONE = new DigestMemory() {
    @Override
    public Optional<CompileMemo> recall(String node) {
      return Optional.empty();
    }

    @Override
    public void remember(String node, CompileMemo memo) {}
  };

  /** The memo last remembered for {@code node}; empty when none (or it cannot be read). */
  Optional<CompileMemo> recall(String node);

  /** Keeps {@code memo} as {@code node}'s, replacing the one before. */
  void remember(String node, CompileMemo memo);
}
