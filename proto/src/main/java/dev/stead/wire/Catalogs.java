package dev.stead.wire;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
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
   * Returns {@code catalog} with resources sorted by key, edges sorted and de-duplicated,
   * and {@code digest} set to the SHA-256 of the deterministic serialization of the rest.
   */
  public static Catalog seal(Catalog catalog) {
    List<Resource> resources = new ArrayList<>(catalog.getResourcesList());
    resources.sort(Comparator.comparing(Catalogs::key));
    List<Edge> edges = new ArrayList<>(catalog.getEdgesList());
    edges.sort(EDGE_ORDER);
    List<Edge> unique = new ArrayList<>();
    for (Edge e : edges) {
      if (unique.isEmpty() || EDGE_ORDER.compare(unique.get(unique.size() - 1), e) != 0) {
        unique.add(e);
      }
    }
    Catalog sorted = catalog.toBuilder()
        .clearResources().addAllResources(resources)
        .clearEdges().addAllEdges(unique)
        .clearDigest()
        .build();
    return sorted.toBuilder().setDigest(digest(sorted)).build();
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
  public static byte[] deterministicBytes(com.google.protobuf.Message message) {
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(message.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(buffer);
      out.useDeterministicSerialization();
      message.writeTo(out);
      out.flush();
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Pretty-printed JSON, stable for a sealed catalog (map keys sorted). JsonFormat escapes
   * {@code = < > & '} for HTML pages; a catalog is read by people in a terminal, so those
   * escapes are undone (only where the backslash is itself unescaped).
   */
  public static String toJson(com.google.protobuf.MessageOrBuilder message) {
    try {
      String json = JsonFormat.printer().sortingMapKeys().print(message);
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
