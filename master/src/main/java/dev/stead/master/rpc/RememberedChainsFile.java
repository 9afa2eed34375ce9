package dev.stead.master.rpc;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
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
  private static final byte[] MAGIC = "STEADCC2".getBytes(StandardCharsets.US_ASCII);
  /** Far more than any trust holds (100,000 chains take 4.9 MB). */
  private static final long MAX_FILE_BYTES = 512L << 20;
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
   * {@code every} while new ones come, and at {@link #close}. The file is read on the saver's
   * thread, not the caller's, into one sorted array ({@link ChainTable}); a chain that arrives
   * before is validated, as without the file.
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
      ChainTable table = read(file, caDigest);
      trust.rememberEarlier(table);
      if (table.size() > 0) {
        LOG.info(() -> "remembered " + table.size() + " client certificate chains from " + file);
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
        write(file, caDigest, trust.worthKeeping());
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
   * none, with a log line saying why, when it holds none for it. The file: a magic, the CA's
   * digest, the key types (a count, then each as a length and UTF-8 bytes), the number of
   * chains and the {@link ChainTable}'s records.
   */
  static ChainTable read(Path file, byte[] caDigest) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        LOG.warning("ignoring " + file + ": larger than " + MAX_FILE_BYTES + " bytes");
        return ChainTable.EMPTY;
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return ChainTable.EMPTY;
    } catch (IOException e) {
      LOG.warning("ignoring " + file + ": " + e.getMessage());
      return ChainTable.EMPTY;
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        LOG.warning("ignoring " + file + ": not a file of remembered client chains");
        return ChainTable.EMPTY;
      }
      byte[] writtenUnder = new byte[caDigest.length];
      in.get(writtenUnder);
      if (!Arrays.equals(writtenUnder, caDigest)) {
        LOG.info(() -> "ignoring " + file + ": written under another CA");
        return ChainTable.EMPTY;
      }
      int typeCount = Byte.toUnsignedInt(in.get());
      List<String> types = new ArrayList<>(typeCount);
      for (int i = 0; i < typeCount; i++) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > MAX_AUTH_TYPE_BYTES) {
          throw new IllegalArgumentException("a key type of " + length + " bytes");
        }
        byte[] type = new byte[length];
        in.get(type);
        types.add(new String(type, StandardCharsets.UTF_8));
      }
      int count = in.getInt();
      if (count < 0 || (long) count * ChainTable.RECORD_BYTES != in.remaining()) {
        throw new IllegalArgumentException("it claims " + count + " chains in "
            + in.remaining() + " bytes");
      }
      byte[] records = new byte[in.remaining()];
      in.get(records);
      for (int at = ChainTable.DIGEST_BYTES; at < records.length;
          at += ChainTable.RECORD_BYTES) {
        if (Byte.toUnsignedInt(records[at]) >= typeCount) {
          throw new IllegalArgumentException("a chain names key type "
              + Byte.toUnsignedInt(records[at]) + " of " + typeCount);
        }
      }
      return new ChainTable(types, records);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      LOG.warning("ignoring " + file + ": " + (e.getMessage() == null ? "cut short"
          : e.getMessage()));
      return ChainTable.EMPTY;
    }
  }

  /** Writes {@code chains} under the CA digest: a temporary file, then moved over the file. */
  static void write(Path file, byte[] caDigest, List<RememberingClientTrust.Accepted> chains)
      throws IOException {
    ChainTable table = ChainTable.of(chains);
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    try (FileChannel channel = FileChannel.open(temporary,
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      OutputStream stream = Channels.newOutputStream(channel);
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
      out.write(MAGIC);
      out.write(caDigest);
      out.writeByte(table.types().size());
      for (String type : table.types()) {
        byte[] bytes = type.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_AUTH_TYPE_BYTES) {
          throw new IOException("a key type of " + bytes.length + " bytes");
        }
        out.writeShort(bytes.length);
        out.write(bytes);
      }
      out.writeInt(table.size());
      out.write(table.records());
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
