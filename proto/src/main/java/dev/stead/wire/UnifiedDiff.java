package dev.stead.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bounded unified diff of two texts (Myers' O(ND) algorithm, three lines of context). Text
 * only: binary input (a NUL byte or invalid UTF-8) yields an empty string, as do equal inputs.
 * Output is cut at {@link #MAX_LINES} lines with a marker, and inputs that differ too much to
 * diff cheaply yield a one-line marker instead of a diff, so a report never grows without
 * bound. Stateless.
 */
public final class UnifiedDiff {
  /** Longest diff kept, in lines, headers included. */
  public static final int MAX_LINES = 200;
  /** Most edit steps searched; beyond it the diff is not worth its cost in a report. */
  static final int MAX_EDITS = 2000;
  private static final int CONTEXT = 3;
  private static final String NO_NEWLINE = "\\ No newline at end of file";

  private UnifiedDiff() {}

  private enum Op { KEEP, DELETE, INSERT }

  private record Edit(Op op, int beforeLine, int afterLine, String text) {}

  /** Diff of {@code before} to {@code after}, labelled with {@code path}; see the class doc. */
  public static String of(String path, byte[] before, byte[] after) {
    String a = text(before);
    String b = text(after);
    if (a == null || b == null || a.equals(b)) {
      return "";
    }
    List<String> left = lines(a);
    List<String> right = lines(b);
    List<Edit> edits = edits(left, right);
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(path).append('\n');
    out.append("+++ ").append(path).append('\n');
    if (edits == null) {
      out.append("@@ too many changes to show (").append(left.size()).append(" lines before, ")
          .append(right.size()).append(" after) @@\n");
      return out.toString();
    }
    appendHunks(edits, out);
    return truncate(out.toString());
  }

  private static String text(byte[] bytes) {
    boolean ascii = true;
    for (byte x : bytes) {
      if (x == 0) {
        return null;
      }
      ascii &= x > 0;
    }
    if (ascii) {
      // The same text without a decoder: ASCII is valid UTF-8, byte for character.
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Lines keep their terminator, so a missing final newline is a difference too. */
  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        out.add(text.substring(start));
        break;
      }
      out.add(text.substring(start, end + 1));
      start = end + 1;
    }
    return out;
  }

  /** The shortest edit script, or null when it needs more than {@link #MAX_EDITS} steps. */
  private static List<Edit> edits(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int max = Math.min(n + m, MAX_EDITS);
    int offset = max + 1;
    int[] v = new int[2 * max + 3];
    List<int[]> trace = new ArrayList<>();
    int found = -1;
    for (int d = 0; d <= max && found < 0; d++) {
      // Keep only the diagonals round d can read: memory O(D^2), not O(D*(N+M)).
      trace.add(Arrays.copyOfRange(v, offset - d - 1, offset + d + 2));
      for (int k = -d; k <= d; k += 2) {
        int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
            ? v[offset + k + 1] : v[offset + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a.get(x).equals(b.get(y))) {
          x++;
          y++;
        }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          found = d;
          break;
        }
      }
    }
    if (found < 0) {
      return null;
    }
    List<Edit> reversed = new ArrayList<>();
    int x = n;
    int y = m;
    for (int d = found; d > 0; d--) {
      int[] round = trace.get(d);
      int k = x - y;
      int prevK = (k == -d || (k != d && round[k - 1 + d + 1] < round[k + 1 + d + 1]))
          ? k + 1 : k - 1;
      int prevX = round[prevK + d + 1];
      int prevY = prevX - prevK;
      while (x > prevX && y > prevY) {
        reversed.add(new Edit(Op.KEEP, x - 1, y - 1, a.get(x - 1)));
        x--;
        y--;
      }
      if (prevK == k + 1) {
        reversed.add(new Edit(Op.INSERT, x, y - 1, b.get(y - 1)));
      } else {
        reversed.add(new Edit(Op.DELETE, x - 1, y, a.get(x - 1)));
      }
      x = prevX;
      y = prevY;
    }
    while (x > 0 && y > 0) {
      reversed.add(new Edit(Op.KEEP, x - 1, y - 1, a.get(x - 1)));
      x--;
      y--;
    }
    List<Edit> out = new ArrayList<>(reversed.size());
    for (int i = reversed.size() - 1; i >= 0; i--) {
      out.add(reversed.get(i));
    }
    return out;
  }

  private static void appendHunks(List<Edit> edits, StringBuilder out) {
    int i = 0;
    while (i < edits.size()) {
      while (i < edits.size() && edits.get(i).op() == Op.KEEP) {
        i++;
      }
      if (i >= edits.size()) {
        return;
      }
      int start = Math.max(0, i - CONTEXT);
      // Extend the hunk while the next change is within two contexts of the last one.
      int end = i;
      int lastChange = i;
      while (end < edits.size()) {
        if (edits.get(end).op() != Op.KEEP) {
          lastChange = end;
        } else if (end - lastChange > 2 * CONTEXT) {
          break;
        }
        end++;
      }
      end = Math.min(edits.size(), lastChange + CONTEXT + 1);
      appendHunk(edits.subList(start, end), out);
      i = end;
    }
  }

  private static void appendHunk(List<Edit> hunk, StringBuilder out) {
    int beforeCount = 0;
    int afterCount = 0;
    for (Edit e : hunk) {
      if (e.op() != Op.INSERT) {
        beforeCount++;
      }
      if (e.op() != Op.DELETE) {
        afterCount++;
      }
    }
    Edit first = hunk.get(0);
    int beforeStart = beforeCount == 0 ? first.beforeLine() : first.beforeLine() + 1;
    int afterStart = afterCount == 0 ? first.afterLine() : first.afterLine() + 1;
    out.append("@@ -").append(beforeStart).append(',').append(beforeCount)
        .append(" +").append(afterStart).append(',').append(afterCount).append(" @@\n");
    for (Edit e : hunk) {
      char sign = e.op() == Op.KEEP ? ' ' : e.op() == Op.DELETE ? '-' : '+';
      out.append(sign);
      if (e.text().endsWith("\n")) {
        out.append(e.text());
      } else {
        out.append(e.text()).append('\n').append(NO_NEWLINE).append('\n');
      }
    }
  }

  private static String truncate(String diff) {
    String[] lines = diff.split("\n", -1);
    int count = diff.endsWith("\n") ? lines.length - 1 : lines.length;
    if (count <= MAX_LINES) {
      return diff;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < MAX_LINES; i++) {
      out.append(lines[i]).append('\n');
    }
    out.append("... diff truncated: ").append(count - MAX_LINES).append(" more lines\n");
    return out.toString();
  }
}
