package dev.stead.wire;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The canonical forms of a catalog: sorted, digested, and printed as JSON. Both the compiler
 * and the agent use these, so a digest means the same thing on either side.
 */
public final class Catalogs {
  private static final Comparator<Edge> EDGE_ORDER = Comparator.comparing(Edge::getSource)
      .thenComparing(e -> e.getKind().getNumber())
      .thenComparing(Edge::getTarget);

  private Catalogs() {}

  public static String key(Resource resource) {
    return resource.getType() + "[" + resource.getTitle() + "]";
  }

  /**
   * Returns {@code catalog} with resources and exports sorted by key, edges sorted and
   * de-duplicated, and {@code digest} set to the SHA-256 of the deterministic serialization
   * of the rest.
   */
  public static Catalog seal(Catalog catalog) {
    List<Resource> resources = sortedByKey(catalog.getResourcesList());
    List<Edge> edges = new ArrayList<>(catalog.getEdgesList());
    edges.sort(EDGE_ORDER);
    List<Edge> unique = new ArrayList<>();
    for (Edge e : edges) {
      if (unique.isEmpty() || EDGE_ORDER.compare(unique.get(unique.size() - 1), e) != 0) {
        unique.add(e);
      }
    }
    Catalog.Builder builder = catalog.toBuilder()
        .clearResources().addAllResources(resources)
        .clearExports().addAllExports(sortedByKey(catalog.getExportsList()))
        .clearEdges().addAllEdges(unique)
        .clearDigest();
    // The digest is taken over the catalog without one, which is what was just built; those
    // bytes, with the digest after them, are also the sealed catalog's encoding.
    byte[] withoutDigest = deterministicBytes(builder.build());
    return CatalogEncodings.remember(
        builder.setDigest("sha256:" + sha256Hex(withoutDigest)).build(), withoutDigest);
  }

  private static List<Resource> sortedByKey(List<Resource> given) {
    // Each key is built once, not once per comparison; the sort is stable, as List.sort is.
    List<Map.Entry<String, Resource>> keyed = new ArrayList<>(given.size());
    for (Resource r : given) {
      keyed.add(Map.entry(key(r), r));
    }
    keyed.sort(Map.Entry.comparingByKey());
    List<Resource> sorted = new ArrayList<>(keyed.size());
    for (Map.Entry<String, Resource> e : keyed) {
      sorted.add(e.getValue());
    }
    return sorted;
  }

  /**
   * A digest cut to what a person compares by eye: its algorithm prefix (if any) and first 12
   * hex digits, then an ellipsis; the full value belongs in the record (or a tooltip).
   */
  public static String shortDigest(String digest) {
    int keep = digest.indexOf(':') + 1 + 12;
    return digest.length() <= keep ? digest : digest.substring(0, keep) + "…";
  }

  /** {@code sha256:<hex>} over the deterministic serialization with {@code digest} cleared. */
  public static String digest(Catalog catalog) {
    byte[] bytes = deterministicBytes(catalog.toBuilder().clearDigest().build());
    return "sha256:" + sha256Hex(bytes);
  }

  /** True when the catalog's recorded digest matches its content. */
  public static boolean verify(Catalog catalog) {
    return catalog.getDigest().equals(digest(catalog));
  }

  /** Protobuf serialization with map entries in key order, stable across JVMs. */
  public static byte[] deterministicBytes(Message message) {
    // Straight into an array of the exact size: the same encoder output, without the
    // stream's buffer and the final copy.
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.checkNoSpaceLeft();
    return bytes;
  }

  /**
   * Pretty-printed JSON, stable for a sealed catalog (map keys sorted). JsonFormat escapes
   * {@code = < > & '} for HTML pages; a catalog is read by people in a terminal, so those
   * escapes are undone (only where the backslash is itself unescaped).
   */
  public static String toJson(MessageOrBuilder message) {
    return toJson(JsonFormat.printer().sortingMapKeys(), message);
  }

  /**
   * As {@link #toJson(com.google.protobuf.MessageOrBuilder)}, with every field present: a
   * program reading a report finds {@code "changed": 0}, not a missing key.
   */
  public static String toJsonWithZeros(MessageOrBuilder message) {
    return toJson(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().sortingMapKeys(),
        message);
  }

  /**
   * As {@link #toJsonWithZeros}, on one line: one message of a stream per line (JSON Lines).
   */
  public static String toJsonLine(MessageOrBuilder message) {
    return toJson(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().sortingMapKeys()
        .omittingInsignificantWhitespace(), message).stripTrailing();
  }

  private static String toJson(JsonFormat.Printer printer,
      MessageOrBuilder message) {
    try {
      String json = printer.print(message);
      return HTML_ESCAPE.matcher(json).replaceAll(m -> m.group(1)
          + Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(2), 16))))
          + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("catalog cannot be printed as JSON", e);
    }
  }

  private static final Pattern HTML_ESCAPE =
      Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u00(3[cdeCDE]|26|27)");

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
