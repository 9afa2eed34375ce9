package dev.stead.dsl;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where compiled code is kept between loads: a directory of the master's data (owner-only),
 * one file per environment, holding the class bytes Stead's own sandboxed compile wrote for
 * that code. A load whose code, Stead build, Groovy and Java versions match defines those
 * classes instead of parsing and compiling; anything else (an edited file, another build, a
 * damaged file) compiles as without a cache and rewrites the file. Immutable.
 */
public final class CodeCache {
  /** No cache: every load compiles. */
  public static final CodeCache NONE = new CodeCache(null);

  private final Path dir;

  private CodeCache(Path dir) {
    this.dir = dir;
  }

  /** A cache in {@code dir}, created (owner-only) at the first write. */
  public static CodeCache in(Path dir) {
    return new CodeCache(Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize());
  }

  /** The directory, or null for {@link #NONE}. */
  Path dir() {
    return dir;
  }
}
