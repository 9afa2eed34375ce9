package dev.stead.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Plain aligned text tables for the terminal. */
final class Tables {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** A content or catalog digest: {@code sha256:<hex>} or bare hex. */
  private static final Pattern DIGEST = Pattern.compile("(?:sha(?:1|256|512):)?[0-9a-f]{32,}");
  /** A key or certificate fingerprint: {@code SHA256:AB:CD:…}. */
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256(?::[0-9A-F]{2}){32}");
  /** Characters of a report id kept in a table; {@code stead report} accepts 6 or more. */
  private static final int ID_CHARS = 8;
  /** Hex digits of a digest kept in a table: enough to tell two apart by eye. */
  private static final int DIGEST_HEX = 8;
  /** Bytes of a fingerprint kept in a table: enough to tell keys apart by eye. */
  private static final int FINGERPRINT_BYTES = 8;

  private final List<String[]> rows = new ArrayList<>();

  Tables(String... header) {
    rows.add(header);
  }

  Tables row(Object... cells) {
    String[] text = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      text[i] = String.valueOf(cells[i]);
    }
    rows.add(text);
    return this;
  }

  void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /**
   * A digest or fingerprint cut to its first hex digits and "…" so that a row fits an 80 to
   * 120 column terminal; anything else, or any value when {@code wide}, as it is.
   */
  static String digest(String value, boolean wide) {
    if (wide) {
      return value;
    }
    if (FINGERPRINT.matcher(value).matches()) {
      return value.substring(0, "SHA256".length() + 3 * FINGERPRINT_BYTES) + "…";
    }
    if (!DIGEST.matcher(value).matches()) {
      return value;
    }
    // Fewer hex digits than elsewhere (Catalogs.shortDigest keeps 12): a drift row holds two.
    int keep = value.indexOf(':') + 1 + DIGEST_HEX;
    return value.substring(0, keep) + "…";
  }

  /** A report id as its first characters ({@code stead report} takes them), "-" for none. */
  static String id(String id, boolean wide) {
    return id.isEmpty() ? "-" : wide || id.length() <= ID_CHARS ? id : id.substring(0, ID_CHARS);
  }

  static String time(long epochMillis) {
    return epochMillis == 0 ? "-" : TIME.format(Instant.ofEpochMilli(epochMillis));
  }
}
