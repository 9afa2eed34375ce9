package dev.stead.master.rpc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Keeps the client chains a {@link RememberingClientTrust} accepted in a file, so that a
 * restarted master does not validate every agent's chain again: after a restart each agent
 * dials in within one run interval, and the JDK's PKIX validation costs about a millisecond of
 * CPU a chain (a third of a core at 333 new connections a second).
 *
 * <p>The file holds what the trust remembers and nothing more (a chain's SHA-256, its key
 * type, its validity), under the SHA-256 of the CA's certificate: a file written under another
 * CA is ignored, as is one that cannot be read whole. It is written to a temporary file beside
 * it (mode 0600) and moved over it, at most every {@code every} when something was added, and
 * once more at {@link #close}. Whoever can write the file can also replace the CA's
 * certificate beside it, so it grants nothing new; revocation is checked on every call as
 * before.
 */
final class RememberedChainsFile implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RememberedChainsFile.class.getName());
  private static final byte[] MAGIC = "STEADCC1".getBytes(StandardCharsets.US_ASCII);
  /** More than any trust holds ({@link RememberingClientTrust#DEFAULT_CAPACITY} by default). */
  private static final int MAX_CHAINS = 10_000_000;
  private static final int MAX_AUTH_TYPE_BYTES = 64;

  private final RememberingClientTrust trust;
  private final Path file;
  private final byte[] caDigest;
  private final ScheduledExecutorService saver;
  private final Object saving = new Object();
  private final CountDownLatch restored = new CountDownLatch(1);
  private long savedAdditions;

  private RememberedChainsFile(RememberingClientTrust trust, Path file, byte[] caDigest,
      long savedAdditions) {
    this.trust = trust;
    this.file = file;
    this.caDigest = caDigest;
    this.savedAdditions = savedAdditions;
    this.saver = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "stead-tls-chains-save");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Restores into {@code trust} the chains {@code file} holds for {@code ca} (none when it is
   * missing, unreadable or another CA's: said in the log), then saves them there every
   * {@code every} while new ones come, and at {@link #close}. The restore runs on the saver's
   * thread, not the caller's: 100,000 chains take ~0.2 s of a cold JVM, which the master's
   * start need not wait for (a chain that arrives before is validated, as without the file).
   */
  static RememberedChainsFile keep(RememberingClientTrust trust, Path file, X509Certificate ca,
      Duration every) {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(file, "file");
    RememberedChainsFile kept = new RememberedChainsFile(trust, file, digestOf(ca),
        trust.additions());
    kept.saver.execute(kept::restore);
    long period = every.toMillis();
    kept.saver.scheduleWithFixedDelay(kept::saveIfChanged, period, period,
        TimeUnit.MILLISECONDS);
    return kept;
  }

  /** Waits until the chains of the file are restored (for tests). */
  void awaitRestored() throws InterruptedException {
    restored.await();
  }

  private void restore() {
    try {
      int count = trust.restore(read(file, caDigest));
      synchronized (saving) {
        savedAdditions += count; // what was just read needs no writing back
      }
      if (count > 0) {
        LOG.info(() -> "remembered " + count + " client certificate chains from " + file);
      }
    } finally {
      restored.countDown();
    }
  }

  /** Writes the trust's chains to the file when some were added since the last time. */
  void saveIfChanged() {
    synchronized (saving) {
      long additions = trust.additions();
      if (additions == savedAdditions) {
        return;
      }
      try {
        write(file, caDigest, trust.snapshot());
        savedAdditions = additions;
      } catch (IOException | RuntimeException e) {
        LOG.warning("cannot save the remembered client certificate chains to " + file + ": "
            + e.getMessage());
      }
    }
  }

  /** Stops the periodic saves (a restore under way finishes first) and saves once more. */
  @Override
  public void close() {
    saver.shutdown();
    try {
      saver.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (restored.getCount() == 0) { // else a save would drop what the file still holds
      saveIfChanged();
    }
  }

  /**
   * The chains {@code file} holds for the CA whose certificate digest is {@code caDigest};
   * none, with a log line saying why, when it holds none for it.
   */
  static List<RememberingClientTrust.Accepted> read(Path file, byte[] caDigest) {
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        LOG.warning("ignoring " + file + ": not a file of remembered client chains");
        return List.of();
      }
      byte[] writtenUnder = in.readNBytes(caDigest.length);
      if (writtenUnder.length < caDigest.length) {
        throw new EOFException("cut short in its header");
      }
      if (!Arrays.equals(writtenUnder, caDigest)) {
        LOG.info(() -> "ignoring " + file + ": written under another CA");
        return List.of();
      }
      int count = in.readInt();
      if (count < 0 || count > MAX_CHAINS) {
        LOG.warning("ignoring " + file + ": it claims " + count + " chains");
        return List.of();
      }
      List<RememberingClientTrust.Accepted> chains = new ArrayList<>(Math.min(count, 1 << 16));
      for (int i = 0; i < count; i++) {
        byte[] digest = in.readNBytes(32);
        int typeLength = in.readUnsignedShort();
        if (digest.length != 32 || typeLength > MAX_AUTH_TYPE_BYTES) {
          throw new EOFException("chain " + (i + 1) + " of " + count + " is cut short");
        }
        String authType = new String(in.readNBytes(typeLength), StandardCharsets.UTF_8);
        long notBefore = in.readLong();
        long notAfter = in.readLong();
        chains.add(new RememberingClientTrust.Accepted(digest, authType, notBefore, notAfter));
      }
      if (in.read() != -1) {
        LOG.warning("ignoring " + file + ": bytes after its last chain");
        return List.of();
      }
      return chains;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      LOG.warning("ignoring " + file + ": " + e.getMessage());
      return List.of();
    }
  }

  /** Writes {@code chains} under the CA digest: a temporary file, then moved over the file. */
  static void write(Path file, byte[] caDigest, List<RememberingClientTrust.Accepted> chains)
      throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try (FileChannel channel = FileChannel.open(temporary,
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      OutputStream stream = Channels.newOutputStream(channel);
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
      out.write(MAGIC);
      out.write(caDigest);
      out.writeInt(chains.size());
      for (RememberingClientTrust.Accepted chain : chains) {
        byte[] authType = chain.authType().getBytes(StandardCharsets.UTF_8);
        if (authType.length > MAX_AUTH_TYPE_BYTES) {
          throw new IOException("a key type of " + authType.length + " bytes");
        }
        out.write(chain.digest());
        out.writeShort(authType.length);
        out.write(authType);
        out.writeLong(chain.notBefore());
        out.writeLong(chain.notAfter());
      }
      out.flush();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The SHA-256 of the CA's certificate, which the file is written under. */
  static byte[] digestOf(X509Certificate ca) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(ca.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the CA's certificate cannot be encoded: "
          + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
