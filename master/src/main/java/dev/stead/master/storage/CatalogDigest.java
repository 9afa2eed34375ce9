package dev.stead.master.storage;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.stead.proto.v1.Catalog;
import java.io.IOException;

/**
 * The digest of a serialized catalog, decoded alone: the resources, a few hundred kilobytes at
 * a thousand of them, are skipped over rather than parsed.
 */
public final class CatalogDigest {
  /** The field number shifted past the three wire-type bits, as protobuf encodes a tag. */
  private static final int DIGEST_TAG =
      Catalog.DIGEST_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private CatalogDigest() {}

  /** The {@code digest} field of the catalog serialized in {@code body} ("" when unset). */
  public static String read(byte[] body) {
    CodedInputStream in = CodedInputStream.newInstance(body);
    String digest = "";
    try {
      // A field may appear more than once; the last one wins, as in a full parse.
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == DIGEST_TAG) {
          digest = in.readStringRequireUtf8();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      throw new StoreException("a stored catalog is corrupt: " + e.getMessage(), e);
    }
    return digest;
  }
}
