package dev.stead.master.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file's content as the node had it, rebuilt from what a report carries: the desired
 * content (the catalog's) and the agent's unified diff from the observed content to it. A
 * report names the observed content by digest only; the rebuilt text counts only when its
 * digest is that one, so a cut or summarised diff yields nothing rather than a guess.
 * Stateless.
 */
final class ObservedContent {
  private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");
  private static final String NO_NEWLINE = "\\ No newline at end of file";

  private ObservedContent() {}

  /**
   * The observed content whose digest is {@code observedDigest} ({@code sha256:<hex>}), or
   * empty when {@code diff} does not rebuild it.
   */
  static Optional<String> rebuild(String desired, String diff, String observedDigest) {
    if (diff.isEmpty()) {
      return Optional.empty();
    }
    List<String> wanted = lines(desired);
    String[] diffLines = diff.split("\n", -1);
    StringBuilder out = new StringBuilder();
    int next = 0; // the next line of the desired content not yet copied
    for (int i = 0; i < diffLines.length; i++) {
      Matcher hunk = HUNK.matcher(diffLines[i]);
      if (!hunk.find()) {
        continue;
      }
      int newStart = Integer.parseInt(hunk.group(3));
      int newCount = hunk.group(4) == null ? 1 : Integer.parseInt(hunk.group(4));
      int firstNew = newCount == 0 ? newStart : newStart - 1;
      if (firstNew < next || firstNew > wanted.size()) {
        return Optional.empty();
      }
      while (next < firstNew) {
        out.append(wanted.get(next++));
      }
      for (i = i + 1; i < diffLines.length && !diffLines[i].startsWith("@@"); i++) {
        String line = diffLines[i];
        if (line.isEmpty() || line.equals(NO_NEWLINE)) {
          continue;
        }
        boolean lastLine = i + 1 < diffLines.length && diffLines[i + 1].equals(NO_NEWLINE);
        String text = line.substring(1) + (lastLine ? "" : "\n");
        switch (line.charAt(0)) {
          case ' ' -> {
            if (next >= wanted.size()) {
              return Optional.empty();
            }
            out.append(wanted.get(next++));
          }
          case '+' -> next++;
          case '-' -> out.append(text);
          default -> {
            return Optional.empty();
          }
        }
      }
      i--;
    }
    while (next < wanted.size()) {
      out.append(wanted.get(next++));
    }
    String observed = out.toString();
    return digest(observed).equals(observedDigest) ? Optional.of(observed) : Optional.empty();
  }

  private static String digest(String text) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      end = end < 0 ? text.length() : end + 1;
      out.add(text.substring(start, end));
      start = end;
    }
    return out;
  }
}
