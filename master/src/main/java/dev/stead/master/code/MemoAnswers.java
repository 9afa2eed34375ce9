package dev.stead.master.code;

import dev.stead.dsl.CachingCompiler;
import dev.stead.dsl.DigestMemory;
import dev.stead.dsl.FleetView;
import dev.stead.dsl.Trusted;
import dev.stead.proto.v1.Facts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether a node's catalog is unchanged, told from its compile memo alone while its
 * environment's code is still loading (the first seconds after a master starts): the memo
 * must name the identity of the code on disk now ({@link MemoIdentity}) and inputs equal to
 * the node's now. The identity is hashed again at most once per {@code recheck}, as the
 * reloading source looks for changed code. Thread-safe.
 */
final class MemoAnswers implements ReloadingCatalogSource.BeforeLoad {
  private final String environment;
  private final Supplier<List<Path>> roots;
  private final DigestMemory memory;
  private final Supplier<FleetView> fleet;
  private final Duration recheck;
  private final Clock clock;
  private Optional<String> identity = Optional.empty();
  private Instant hashedAt = Instant.MIN;

  MemoAnswers(String environment, Supplier<List<Path>> roots, DigestMemory memory,
      Supplier<FleetView> fleet, Duration recheck, Clock clock) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.roots = Objects.requireNonNull(roots, "roots");
    this.memory = Objects.requireNonNull(memory, "memory");
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.recheck = Objects.requireNonNull(recheck, "recheck");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean unchanged(String node, Facts facts, String knownDigest) {
    if (knownDigest.isEmpty()) {
      return false;
    }
    return identity().flatMap(id -> CachingCompiler.digestFromMemo(memory, id, node, facts,
        Trusted.of(node), fleet.get())).map(knownDigest::equals).orElse(false);
  }

  private synchronized Optional<String> identity() {
    Instant now = clock.instant();
    if (now.isBefore(hashedAt.plus(recheck))) {
      return identity;
    }
    identity = MemoIdentity.of(environment, roots.get());
    hashedAt = now;
    return identity;
  }
}
