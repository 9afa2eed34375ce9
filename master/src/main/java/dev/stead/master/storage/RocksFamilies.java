package dev.stead.master.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The open database, its column families by name, and the reads, writes and key building
 * that every part of {@link RocksStore} shares; failures become {@link StoreException}s that
 * name the directory and what was being done. Refuses to hand out a family once the store is
 * closed.
 */
final class RocksFamilies {
  static final byte[] ZERO = {0};

  private final Path directory;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> families;
  private final AtomicBoolean closed;

  RocksFamilies(Path directory, RocksDB db, Map<String, ColumnFamilyHandle> families,
      AtomicBoolean closed) {
    this.directory = directory;
    this.db = db;
    this.families = families;
    this.closed = closed;
  }

  RocksDB db() {
    return db;
  }

  ColumnFamilyHandle family(String name) {
    if (closed.get()) {
      throw new StoreException("the store " + directory + " is closed", null);
    }
    return families.get(name);
  }

  void put(String family, byte[] key, Message value, WriteOptions options) {
    try {
      db.put(family(family), options, key, value.toByteArray());
    } catch (RocksDBException e) {
      throw failure("write to " + family, e);
    }
  }

  <T extends Message> Optional<T> get(String family, byte[] key, Parser<T> parser) {
    byte[] value = getBytes(family, key);
    return value == null ? Optional.empty() : Optional.of(parse(value, parser));
  }

  byte[] getBytes(String family, byte[] key) {
    try {
      return db.get(family(family), key);
    } catch (RocksDBException e) {
      throw failure("read from " + family, e);
    }
  }

  void check(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw failure("iterate", e);
    }
  }

  StoreException failure(String what, RocksDBException e) {
    return new StoreException("cannot " + what + " in " + directory + ": " + e.getMessage(), e);
  }

  static <T extends Message> T parse(byte[] bytes, Parser<T> parser) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("a stored value is corrupt: " + e.getMessage(), e);
    }
  }

  static byte[] key(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
