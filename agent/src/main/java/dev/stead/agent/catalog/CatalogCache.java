package dev.stead.agent.catalog;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The last catalog this agent verified, kept on disk for enforcing it while the master is
 * away or cannot compile: the catalog in one file (e.g. {@code catalog/last.pb}) and the
 * secret envelopes sealed for it beside it ({@link NodeSecrets#besides}), each written
 * atomically and readable by the owner only. A catalog read back is verified again (it lay on
 * disk). Immutable; one agent run at a time writes it (the run lock).
 */
public final class CatalogCache {
  private final Path file;
  private final String node;

  /** The cache in {@code file} for the catalogs of {@code node}. */
  public CatalogCache(Path file, String node) {
    this.file = Objects.requireNonNull(file, "file");
    this.node = Objects.requireNonNull(node, "node");
  }

  public Path file() {
    return file;
  }

  /** Keeps {@code catalog}, verified by the caller, and the envelopes the master sent with it. */
  public void save(Catalog catalog, NodeSecrets secrets) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFiles.writePrivate(file, catalog.toByteArray());
    secrets.save(file);
  }

  /**
   * The cached catalog when it is there, intact and this node's. Empty without a file; empty
   * with a line to {@code warn} when the file is damaged, another node's or unreadable.
   */
  public Optional<Catalog> load(Consumer<String> warn) {
    try {
      Catalog catalog = Catalog.parseFrom(Files.readAllBytes(file));
      if (!Catalogs.verify(catalog) || !catalog.getNode().equals(node)) {
        warn.accept("ignoring the cached catalog " + file
            + ": it is damaged or not this node's");
        return Optional.empty();
      }
      return Optional.of(catalog);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      warn.accept("cannot read the cached catalog " + file + ": " + IoMessages.describe(e));
      return Optional.empty();
    }
  }

  /** The envelopes kept beside the cached catalog, opened with {@code key}; none without a file. */
  public NodeSecrets secrets(PrivateKey key) throws IOException {
    return NodeSecrets.load(file, key);
  }
}
