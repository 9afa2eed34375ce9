package dev.stead.agent;

import dev.stead.agent.catalog.CatalogCache;
import dev.stead.agent.client.MasterAddress;
import dev.stead.agent.client.MasterChannels;
import dev.stead.agent.client.MasterChoice;
import dev.stead.agent.client.MasterList;
import dev.stead.agent.engine.Outcome;
import dev.stead.agent.engine.ResourceGraph;
import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.agent.tls.SslFiles;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CatalogOrigin;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunSlot;
import dev.stead.proto.v1.RunStatus;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What one agent process keeps between its runs, so that a daemon's run where nothing changed
 * costs little: the identity read from {@code ssl/} (while its files are unchanged), the
 * mutually authenticated channels ({@link MasterChannels}: in a daemon, shared with its
 * command stream, so a run finds the stream's connection open rather than dialing a new
 * one), the converger (which keeps the prepared plan of its last catalog) and the catalog
 * last verified, with its secrets (its digest is sent as {@code known_digest}, so the master
 * can answer "unchanged" instead of sending it again). {@code stead agent run --once} uses
 * one session for its single run. Not thread-safe: runs never overlap (the run lock).
 */
public final class AgentSession implements AutoCloseable {
  private Identity identity;
  private List<Stamp> identityStamps;
  private final MasterChannels channels;
  private final boolean ownsChannels;
  private Catalog catalog;
  private NodeSecrets secrets;
  private ConvergeOptions convergeOptions;
  private Converger converger;
  private Enforced enforced = Enforced.FRESH;
  private Consumer<Outcome> finished = o -> { };
  private RunSlot runSlot;
  private MasterChoice masters;

  /** A session with channels of its own, closed with it ({@code stead agent run --once}). */
  public AgentSession() {
    this(new MasterChannels(), true);
  }

  /**
   * A session whose runs use {@code shared}, the daemon's channels (its command stream's
   * connection among them), which the daemon closes.
   */
  public AgentSession(MasterChannels shared) {
    this(shared, false);
  }

  private AgentSession(MasterChannels channels, boolean ownsChannels) {
    this.channels = Objects.requireNonNull(channels, "channels");
    this.ownsChannels = ownsChannels;
  }

  /**
   * Which master of {@code list} this session talks to: kept from run to run (an agent stays
   * with a master that answers), new when the list changes.
   */
  MasterChoice masters(MasterList list) {
    if (masters == null || !masters.masters().equals(list)) {
      masters = new MasterChoice(list, Clock.systemUTC());
    }
    return masters;
  }

  /** The CA, key pair and certificate read in an earlier run, while their files are unchanged. */
  Identity identity(SslFiles ssl) {
    return identity != null && stamps(ssl).equals(identityStamps) ? identity : null;
  }

  /** Keeps what bootstrap read from {@code ssl}, until one of its files changes. */
  void remember(SslFiles ssl, Identity read) {
    identity = Objects.requireNonNull(read, "read");
    identityStamps = stamps(ssl);
  }

  /**
   * Size, modification time and inode of each file: a renewal, a re-bootstrap or an operator
   * replacing a file changes at least one (files are replaced by rename).
   */
  private static List<Stamp> stamps(SslFiles ssl) {
    List<Stamp> stamps = new ArrayList<>();
    for (Path file : List.of(ssl.ca(), ssl.privateKey(),
        ssl.certificate())) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        stamps.add(new Stamp(a.size(), a.lastModifiedTime(), a.fileKey()));
      } catch (IOException e) {
        stamps.add(Stamp.MISSING);
      }
    }
    return stamps;
  }

  /** What tells one version of a file from the next without reading it. */
  private record Stamp(long size, FileTime modified, Object fileKey) {
    static final Stamp MISSING = new Stamp(-1, null, null);
  }

  /**
   * The channel for this identity: the open one while nothing about it changed (shared with
   * the daemon's command stream, when there is one).
   */
  ManagedChannel channel(MasterAddress address, X509Certificate ca, KeyPair keys,
      X509Certificate certificate) {
    return channels.channel(address, ca, keys.getPrivate(), certificate);
  }

  /** Drops the channels (after a transport failure: the next run dials again). */
  void dropChannels() {
    channels.discardAll();
  }

  /** The run slot the master assigned in this session's last catalog answer with one. */
  public Optional<RunSlot> runSlot() {
    return Optional.ofNullable(runSlot);
  }

  void runSlot(RunSlot slot) {
    this.runSlot = Objects.requireNonNull(slot, "slot");
  }

  /** The catalog last verified in this session, or null. */
  Catalog catalog() {
    return catalog;
  }

  /** Its secrets, or null when they were not loaded yet. */
  NodeSecrets secrets() {
    return secrets;
  }

  void hold(Catalog verified, NodeSecrets itsSecrets) {
    this.catalog = Objects.requireNonNull(verified, "verified");
    this.secrets = itsSecrets;
  }

  /**
   * The catalog this agent last verified: the session's, else the one in {@code cache} (held
   * from now on; {@code warn} hears why a damaged one is ignored), else null.
   */
  Catalog heldCatalog(CatalogCache cache, String node, Consumer<String> warn) {
    if (catalog != null && catalog.getNode().equals(node)) {
      return catalog;
    }
    forgetCatalog();
    cache.load(warn).ifPresent(c -> hold(c, null)); // its secrets are read with the fetch
    return catalog;
  }

  /**
   * The key the envelopes of the held catalog are sealed to, as the master named it: the
   * master answers "unchanged" for a catalog with secrets only when that is still this node's
   * key. Empty when nothing is held or the envelopes cannot be read (the master then sends
   * them again). Envelopes read from {@code cache} here stay held with the catalog, so a run
   * that enforces it does not read them twice.
   */
  String heldEnvelopesKey(CatalogCache cache, PrivateKey key) {
    if (catalog == null) {
      return "";
    }
    if (secrets == null) {
      try {
        secrets = cache.secrets(key);
      } catch (IOException e) {
        return "";
      }
    }
    return secrets.sealedTo();
  }

  /**
   * One converger for all runs with the same options: it keeps the prepared plan of the last
   * catalog and reuses it while the digest (and the secrets instance) stay the same.
   */
  Converger converger(ConvergeOptions options) {
    if (converger == null || !options.equals(convergeOptions)) {
      converger = new Converger(options);
      converger.onFinished(finished);
      convergeOptions = options;
    }
    return converger;
  }

  /**
   * Tells {@code listener} about each resource as it finishes, in every converge of this
   * session, on the converging thread (see {@link Converger#onFinished}).
   */
  public void onFinished(Consumer<Outcome> listener) {
    finished = Objects.requireNonNull(listener, "listener");
    if (converger != null) {
      converger.onFinished(listener);
    }
  }

  /**
   * Where the catalog last enforced came from, as its run reported it; a watch check between
   * runs enforces the same catalog and says the same; {@code audit} when the master said the
   * node is in audit mode (a watch check then changes nothing either); {@code compiledBy} the
   * master that served or confirmed it (empty when no master's word came with it).
   */
  record Enforced(CatalogOrigin origin, String cachedReason, List<String> compileErrors,
      boolean audit, String compiledBy) {
    static final Enforced FRESH =
        new Enforced(CatalogOrigin.FRESH, "", List.of(), false, "");

    Enforced {
      compileErrors = List.copyOf(compileErrors);
    }

    /** Says in {@code report} where the enforced catalog came from, and the mode. */
    Report.Builder stamp(Report.Builder report) {
      if (origin == CatalogOrigin.CACHED_COMPILE_FAILED) {
        // The machine may be in sync with the old catalog, but not with the code: a failure.
        report.setStatus(RunStatus.FAILED_RUN);
      }
      if (audit) {
        report.setMode(Mode.AUDIT);
      }
      return report
          .setCachedCatalog(origin != CatalogOrigin.FRESH)
          .setCatalogOrigin(origin)
          .setCachedReason(cachedReason)
          .setCompiledBy(compiledBy)
          .addAllCompileErrors(compileErrors);
    }
  }

  Enforced enforced() {
    return enforced;
  }

  void enforced(Enforced how) {
    enforced = Objects.requireNonNull(how, "how");
  }

  /**
   * The run-time graph of the catalog last converged, or null before the first converge: the
   * daemon watches the paths its resources manage.
   */
  public ResourceGraph graph() {
    return converger == null || catalog == null ? null : converger.graph();
  }

  /** Forgets the held catalog (it failed to load, or belongs to another node). */
  void forgetCatalog() {
    catalog = null;
    secrets = null;
  }

  @Override
  public void close() {
    if (ownsChannels) {
      channels.close();
    }
  }

  /** What the agent authenticates with: the pinned CA, its key pair, its certificate. */
  record Identity(X509Certificate ca, KeyPair keys, X509Certificate certificate) {}
}
