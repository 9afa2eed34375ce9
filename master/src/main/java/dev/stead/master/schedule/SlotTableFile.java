package dev.stead.master.schedule;

import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
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
  private static final byte[] MAGIC = "STEADRS2".getBytes(StandardCharsets.US_ASCII);
  /** Far above a fleet's table (100,000 nodes take ~2 MB): a bound on what a start reads. */
  static final long MAX_FILE_BYTES = 64L << 20;
  /** A certname is far shorter; the length is written in two bytes. */
  private static final int MAX_NAME_BYTES = 0xffff;

  private SlotTableFile() {}

  /** Writes {@code table} to {@code file} (owner-only, replaced atomically). */
  static void write(Path file, SlotTable table) throws IOException {
    long[] keys = table.keys();
    String[] names = table.names();
    byte[][] encoded = new byte[names.length][];
    int size = MAGIC.length + Integer.BYTES;
    for (int i = 0; i < names.length; i++) {
      encoded[i] = names[i].getBytes(StandardCharsets.UTF_8);
      if (encoded[i].length > MAX_NAME_BYTES) {
        throw new IOException("node name of " + encoded[i].length + " bytes");
      }
      size += Long.BYTES + Short.BYTES + encoded[i].length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC).putInt(keys.length);
    for (int i = 0; i < keys.length; i++) {
      out.putLong(keys[i]).putShort((short) encoded[i].length).put(encoded[i]);
    }
    AtomicFiles.writePrivate(file, out.array());
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
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        LOG.warning("ignoring " + file + ": not a run-slot table");
        return Optional.empty();
      }
      int count = in.getInt();
      if (count < 0 || (long) count * (Long.BYTES + Short.BYTES) > in.remaining()) {
        throw new IllegalArgumentException("it claims " + count + " nodes in "
            + bytes.length + " bytes");
      }
      long[] keys = new long[count];
      String[] names = new String[count];
      for (int i = 0; i < count; i++) {
        keys[i] = in.getLong();
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
          throw new BufferUnderflowException();
        }
        names[i] = new String(bytes, in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the last node");
      }
      return Optional.of(SlotTable.ofOrdered(keys, names));
    } catch (BufferUnderflowException e) {
      LOG.warning("ignoring " + file + ": cut short");
    } catch (IllegalArgumentException e) {
      LOG.warning("ignoring " + file + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
