package dev.stead.dsl.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An ERB-style template translated into the Groovy script that renders it. Text outside the
 * tags is copied as it is ({@code $}, backslashes and braces included); {@code <%= expr %>}
 * prints the value of a Groovy expression, {@code <% code %>} runs Groovy code (loops,
 * conditions), {@code <%# comment %>} prints nothing, {@code <%%} prints {@code <%}. A tag
 * closed with {@code -%>} also swallows the line break right after it; a tag opened with
 * {@code <%-} also swallows the blanks before it on its line. Immutable.
 *
 * @param script the Groovy source: calls of {@link TemplateScript#__lit} and
 *     {@link TemplateScript#__emit} with the tags' code between them
 * @param lines {@code lines[n]} is the template line of line n of {@code script}
 * @param tags every tag with code in it, in order; {@code __emit(i, ...)} names tags[i]
 */
record ErbSource(String script, int[] lines, List<Tag> tags) {
  /** A tag with Groovy in it, as written, and the template line it starts on. */
  record Tag(int line, String text) {}

  /** The template is not well formed (a tag never closed); the line is the template's. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;

    Malformed(String message, int line) {
      super(message, null, false, false);
      this.line = line;
    }
  }

  /** Groovy string constants are bounded; long texts are written in several calls. */
  private static final int LITERAL_CHUNK = 8_000;

  int templateLine(int scriptLine) {
    return scriptLine > 0 && scriptLine < lines.length ? lines[scriptLine] : 0;
  }

  /**
   * The tag starting on template line {@code line}: the only one, else the only one whose
   * text holds {@code hint} (a name the error gave), else null.
   */
  Tag tagAt(int line, String hint) {
    List<Tag> onLine = tags.stream().filter(t -> t.line() == line).toList();
    if (onLine.size() == 1) {
      return onLine.get(0);
    }
    List<Tag> named = hint == null ? List.of()
        : onLine.stream().filter(t -> t.text().contains(hint)).toList();
    return named.size() == 1 ? named.get(0) : null;
  }

  static ErbSource translate(String text) throws Malformed {
    return new Builder(text).build();
  }

  private static final class Builder {
    private final String text;
    private final StringBuilder script = new StringBuilder();
    /** Template line of each script line; index 0 unused. */
    private final List<Integer> lines = new ArrayList<>(List.of(0, 1));
    private final List<Tag> tags = new ArrayList<>();
    private final StringBuilder literal = new StringBuilder();
    private int literalLine = 1;
    /** The template line at the current position. */
    private int line = 1;

    Builder(String text) {
      this.text = text;
    }

    ErbSource build() throws Malformed {
      int pos = 0;
      while (pos < text.length()) {
        int open = text.indexOf("<%", pos);
        if (open < 0) {
          addLiteral(text.substring(pos));
          break;
        }
        addLiteral(text.substring(pos, open));
        if (text.startsWith("<%%", open)) {
          addLiteral("<%");
          pos = open + 3;
          continue;
        }
        int start = open + 2;
        boolean trimBefore = text.startsWith("-", start);
        if (trimBefore) {
          start++;
          trimIndentation(open);
        }
        char kind = start < text.length() ? text.charAt(start) : ' ';
        if (kind == '=' || kind == '#') {
          start++;
        }
        int close = text.indexOf("%>", start);
        if (close < 0) {
          throw new Malformed("this <% is never closed with %>", line);
        }
        boolean trimAfter = close > start && text.charAt(close - 1) == '-';
        String body = text.substring(start, trimAfter ? close - 1 : close);
        flushLiteral();
        int tagLine = line;
        if (kind == '#') {
          line += newlines(body);
        } else if (kind == '=') {
          if (body.isBlank()) {
            throw new Malformed("<%= %> needs an expression", tagLine);
          }
          tags.add(new Tag(tagLine, "<%=" + body + "%>"));
          code("__emit(" + (tags.size() - 1) + ", (" + body);
          // On a line of its own: a // comment at the end of the expression ends there.
          newScriptLine(line);
          script.append("))");
        } else {
          tags.add(new Tag(tagLine, "<%" + body + "%>"));
          code(body);
        }
        pos = close + 2;
        if (trimAfter) {
          if (text.startsWith("\r\n", pos)) {
            pos += 2;
            line++;
          } else if (text.startsWith("\n", pos)) {
            pos++;
            line++;
          }
        }
        literalLine = line;
      }
      flushLiteral();
      return new ErbSource(script.toString(), lines.stream().mapToInt(Integer::intValue).toArray(),
          List.copyOf(tags));
    }

    private void addLiteral(String s) {
      if (literal.isEmpty()) {
        literalLine = line;
      }
      literal.append(s);
      line += newlines(s);
    }

    /** {@code <%-} at {@code open}: drops the blanks between the line's start and the tag. */
    private void trimIndentation(int open) {
      int i = open;
      while (i > 0 && (text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) {
        i--;
      }
      int blanks = open - i;
      if ((i == 0 || text.charAt(i - 1) == '\n') && blanks <= literal.length()) {
        literal.setLength(literal.length() - blanks);
      }
    }

    private void flushLiteral() {
      if (literal.isEmpty()) {
        return;
      }
      String s = literal.toString();
      literal.setLength(0);
      for (int i = 0; i < s.length(); i += LITERAL_CHUNK) {
        String part = s.substring(i, Math.min(s.length(), i + LITERAL_CHUNK));
        newScriptLine(literalLine);
        script.append("__lit('").append(escape(part)).append("')");
      }
    }

    /** Code on lines of its own, each mapped to the template line it came from. */
    private void code(String body) {
      newScriptLine(line);
      for (int i = 0; i < body.length(); i++) {
        char c = body.charAt(i);
        if (c == '\n') {
          line++;
          newScriptLine(line);
        } else {
          script.append(c);
        }
      }
    }

    private void newScriptLine(int templateLine) {
      script.append('\n');
      lines.add(templateLine);
    }

    private static String escape(String s) {
      StringBuilder out = new StringBuilder(s.length() + 16);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '\'' -> out.append("\\'");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(c);
        }
      }
      return out.toString();
    }

    private static int newlines(String s) {
      int n = 0;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == '\n') {
          n++;
        }
      }
      return n;
    }
  }
}
