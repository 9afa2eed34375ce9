package dev.stead.master.schedule;

import dev.stead.wire.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A {@link SlotTable} kept in the master's data directory between starts: its nodes in hash
 * order with their keys, so that it reads back without the node list, hashing or sorting.
 * A master starting on 100,000 nodes read and hashed its node list for about a second before
 * its first answer, on the two cores its start shares; the file gives that answer the table
 * it stopped with, and the node list is read later (see {@link RunSlots}). A damaged or
 * foreign file is ignored (logged), never trusted in part.
 */
final class SlotTableFile {
  private static final Logger LOG = Logger.getLogger(SlotTableFile.class.getName());
  private static final byte[] MAGIC = "STEADRS1".getBytes(StandardCharsets.US_ASCII);
  /** Far above a fleet's table (100,000 nodes take ~2 MB): a bound on what a start reads. */
  static final long MAX_FILE_BYTES = 64L << 20;

  private SlotTableFile() {}

  /** Writes {@code table} to {@code file} (owner-only, replaced atomically). */
  static void write(Path file, SlotTable table) throws IOException {
    long[] keys = table.keys();
    String[] names = table.names();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + keys.length * 24);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(keys.length);
      for (int i = 0; i < keys.length; i++) {
        out.writeLong(keys[i]);
        out.writeUTF(names[i]);
      }
    }
    AtomicFiles.writePrivate(file, bytes.toByteArray());
  }

  /** The table in {@code file}; empty when there is none or it cannot be read whole. */
  static Optional<SlotTable> read(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        LOG.warning("ignoring " + file + ": larger than " + MAX_FILE_BYTES + " bytes");
        return Optional.empty();
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warning("ignoring " + file + ": " + e.getMessage());
      return Optional.empty();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        LOG.warning("ignoring " + file + ": not a run-slot table");
        return Optional.empty();
      }
      int count = in.readInt();
      // Each node takes at least 10 bytes (its key and its name's length).
      if (count < 0 || (long) count * 10 > bytes.length) {
        throw new IOException("it claims " + count + " nodes in " + bytes.length + " bytes");
      }
      long[] keys = new long[count];
      String[] names = new String[count];
      for (int i = 0; i < count; i++) {
        keys[i] = in.readLong();
        names[i] = in.readUTF();
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " bytes after the last node");
      }
      return Optional.of(SlotTable.ofOrdered(keys, names));
    } catch (EOFException e) {
      LOG.warning("ignoring " + file + ": cut short");
    } catch (UTFDataFormatException | IllegalArgumentException e) {
      LOG.warning("ignoring " + file + ": " + e.getMessage());
    } catch (IOException e) {
      LOG.warning("ignoring " + file + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
