package dev.stead.master.rpc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client chains an earlier run of the master accepted, as one sorted array of fixed-size
 * records (a chain's SHA-256, its key type's index, its validity), searched by digest. Reading
 * a file of them into it makes no object per chain, so a master with 100,000 of them starts
 * as fast as one with none; a chain becomes an entry of the trust's memory only when its agent
 * dials in. Immutable.
 */
final class ChainTable {
  static final int DIGEST_BYTES = 32;
  /** digest, key type index (one byte), not before, not after. */
  static final int RECORD_BYTES = DIGEST_BYTES + 1 + 8 + 8;
  /** Key types a table may name (the JDK's few: "EC", "RSA", "UNKNOWN", ...). */
  static final int MAX_TYPES = 255;
  static final ChainTable EMPTY = new ChainTable(List.of(), new byte[0]);

  private final List<String> types;
  private final byte[] records;

  /**
   * @param types the key types the records name by index
   * @param records whole records sorted by digest, unsigned byte order, no digest twice
   */
  ChainTable(List<String> types, byte[] records) {
    if (records.length % RECORD_BYTES != 0) {
      throw new IllegalArgumentException(records.length + " bytes are not whole records");
    }
    this.types = List.copyOf(types);
    this.records = records;
  }

  /** The table of {@code chains} (a digest given twice keeps its last record). */
  static ChainTable of(List<RememberingClientTrust.Accepted> chains) {
    // Each digest copied out once: Accepted hands out a copy at every call.
    Map<ByteBuffer, RememberingClientTrust.Accepted> byDigest = new LinkedHashMap<>();
    for (RememberingClientTrust.Accepted chain : chains) {
      byDigest.put(ByteBuffer.wrap(chain.digest()), chain);
    }
    List<Map.Entry<ByteBuffer, RememberingClientTrust.Accepted>> sorted =
        new ArrayList<>(byDigest.entrySet());
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.getKey().array(), b.getKey().array()));
    List<String> types = new ArrayList<>();
    ByteBuffer out = ByteBuffer.allocate(sorted.size() * RECORD_BYTES);
    for (Map.Entry<ByteBuffer, RememberingClientTrust.Accepted> entry : sorted) {
      RememberingClientTrust.Accepted chain = entry.getValue();
      int type = types.indexOf(chain.authType());
      if (type < 0) {
        if (types.size() == MAX_TYPES) {
          throw new IllegalArgumentException("more than " + MAX_TYPES + " key types");
        }
        types.add(chain.authType());
        type = types.size() - 1;
      }
      out.put(entry.getKey().array()).put((byte) type).putLong(chain.notBefore())
          .putLong(chain.notAfter());
    }
    return new ChainTable(types, out.array());
  }

  int size() {
    return records.length / RECORD_BYTES;
  }

  List<String> types() {
    return types;
  }

  /** The records, as a file holds them. */
  byte[] records() {
    return records.clone();
  }

  /** The chain whose SHA-256 is {@code digest}, or null. */
  RememberingClientTrust.Accepted find(byte[] digest) {
    int low = 0;
    int high = size() - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int at = middle * RECORD_BYTES;
      int order = Arrays.compareUnsigned(records, at, at + DIGEST_BYTES, digest, 0,
          DIGEST_BYTES);
      if (order < 0) {
        low = middle + 1;
      } else if (order > 0) {
        high = middle - 1;
      } else {
        return at(middle);
      }
    }
    return null;
  }

  /** Every chain of the table, in digest order. */
  List<RememberingClientTrust.Accepted> all() {
    List<RememberingClientTrust.Accepted> chains = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      chains.add(at(i));
    }
    return chains;
  }

  private RememberingClientTrust.Accepted at(int index) {
    ByteBuffer record = ByteBuffer.wrap(records, index * RECORD_BYTES, RECORD_BYTES);
    byte[] digest = new byte[DIGEST_BYTES];
    record.get(digest);
    int type = Byte.toUnsignedInt(record.get());
    if (type >= types.size()) {
      throw new IllegalStateException("record " + index + " names key type " + type + " of "
          + types.size());
    }
    return new RememberingClientTrust.Accepted(digest, types.get(type), record.getLong(),
        record.getLong());
  }
}
