package dev.stead.bench;

import dev.stead.dsl.CachingCompiler;
import dev.stead.dsl.CompileException;
import dev.stead.dsl.Compiler;
import dev.stead.dsl.FleetView;
import dev.stead.dsl.Trusted;
import dev.stead.master.code.StoredDigestMemory;
import dev.stead.master.secrets.SecretEnvelopes;
import dev.stead.master.storage.RocksStore;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a node's first check-in after a master restart costs when its catalog did not change,
 * side by side: {@code compiled}, the compile a master without compile memos runs (a cache
 * that never saw the node); {@code fromMemo}, what the master does instead: the node's memo
 * read from a real RocksDB store and checked against its facts, and its stored catalog read
 * back and scanned for secrets (the check that the store holds the digest the agent has).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileMemoBench {
  private static final int NODES = 64;
  /** The code's identity as the memos name it (the master hashes its files for it). */
  private static final String IDENTITY = "reference-code";

  @Param({"1000"})
  public int resources;

  private Path dir;
  private RocksStore store;
  private Compiler code;
  private StoredDigestMemory memory;
  private final List<Facts> facts = new ArrayList<>();
  private final List<String> digests = new ArrayList<>();
  private int next;

  @Setup(Level.Trial)
  public void compileTheFleetOnce() throws IOException, CompileException {
    dir = Files.createTempDirectory("stead-memo-bench");
    Path codeDir = ReferenceCode.write(dir.resolve("code"), resources);
    store = RocksStore.open(dir.resolve("db"));
    memory = new StoredDigestMemory(store);
    code = Compiler.forEnvironment(codeDir, List.of()).withTimeLimit(Duration.ofMinutes(2));
    // The master before its restart: every node compiled once, its catalog and memo stored.
    CachingCompiler before = new CachingCompiler(code, CachingCompiler.DEFAULT_MAX_BYTES,
        CachingCompiler.DIGEST_ENTRIES, memory, IDENTITY);
    for (int i = 0; i < NODES; i++) {
      Facts f = ReferenceCode.facts(i, i);
      Catalog catalog = before.serve(ReferenceCode.nodeName(i), f,
          Trusted.of(ReferenceCode.nodeName(i)), FleetView.NONE).catalog();
      store.putCatalog(ReferenceCode.nodeName(i), catalog);
      facts.add(f);
      digests.add(catalog.getDigest());
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    store.close();
    FileTrees.delete(dir);
  }

  @Benchmark
  public String compiled() throws CompileException {
    int i = next++ % NODES;
    String node = ReferenceCode.nodeName(i);
    CachingCompiler restarted = new CachingCompiler(code);
    return check(i, restarted.serve(node, facts.get(i), Trusted.of(node), FleetView.NONE)
        .catalog().getDigest());
  }

  @Benchmark
  public String fromMemo() {
    int i = next++ % NODES;
    String node = ReferenceCode.nodeName(i);
    CachingCompiler restarted = new CachingCompiler(code, CachingCompiler.DEFAULT_MAX_BYTES,
        CachingCompiler.DIGEST_ENTRIES, memory, IDENTITY);
    Catalog stored = store.catalog(node).orElseThrow();
    if (SecretEnvelopes.hasSecrets(stored)) {
      throw new IllegalStateException("the reference code has no secrets");
    }
    check(i, stored.getDigest());
    return check(i, restarted.digest(node, facts.get(i), Trusted.of(node), FleetView.NONE)
        .orElseThrow(() -> new IllegalStateException("no memo answered for " + node)));
  }

  private String check(int i, String digest) {
    if (!digest.equals(digests.get(i))) {
      throw new IllegalStateException("node " + i + " got digest " + digest + ", expected "
          + digests.get(i));
    }
    return digest;
  }
}
