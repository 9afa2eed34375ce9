package dev.stead.dsl.internal;

import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.SourceLocation;
import java.util.regex.Pattern;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Turns Groovy's syntax errors into what a person can act on: file, line and column, a short
 * message without the parser's dump of the input (with its literal {@code \n}s), the one
 * offending line with a caret under the column, and a hint where a newcomer's mistake is
 * recognisable ({@code package} is a Groovy keyword). Stateless.
 */
final class SyntaxErrors {
  private static final Pattern POSITION = Pattern.compile("\\s*@ line \\d+, column \\d+\\.?\\s*$");
  private static final Pattern PACKAGE_CALL = Pattern.compile("(^|[^\\w.])package\\s*[('\"]");
  private static final int SHOWN = 160;

  private SyntaxErrors() {}

  static CompileError of(SyntaxException cause, String relativeName, String text) {
    int line = Math.max(cause.getStartLine(), 0);
    int column = Math.max(cause.getStartColumn(), 0);
    String source = lineOf(text, line);
    String message = POSITION.matcher(String.valueOf(cause.getOriginalMessage())).replaceAll("");
    boolean atChar = source != null && column > 0 && column <= source.length();
    if (message.startsWith("Unexpected input: ") && onlyBlanksFrom(text, line, column)) {
      message = "unexpected end of the file: a { or ( is not closed";
    } else if (message.startsWith("Unexpected input: ")) {
      message = atChar ? "unexpected '" + source.charAt(column - 1) + "'" : "unexpected input";
    } else if (message.startsWith("Unexpected character: ") && atChar) {
      char c = source.charAt(column - 1);
      message = "unexpected " + c + (c == '\'' || c == '"'
          ? " (a string that is not closed on this line?)" : "");
    }
    if (source != null && PACKAGE_CALL.matcher(source).find()) {
      message = "'package' is a reserved word in Groovy and cannot name a resource: a Debian"
          + " package is pkg, e.g. pkg('nginx')";
    }
    if (source != null && !source.isBlank()) {
      message += "\n    " + shown(source) + "\n    " + caret(source, column);
    }
    SourceLocation.Builder at = Locations.at(relativeName, line).toBuilder();
    if (column > 0) {
      at.setColumn(column);
    }
    return CompileError.newBuilder().setLocation(at).setMessage(message).build();
  }

  /** Whether nothing but blanks follows line {@code line}, column {@code column}. */
  private static boolean onlyBlanksFrom(String text, int line, int column) {
    if (text == null || line < 1) {
      return false;
    }
    int offset = 0;
    for (int l = 1; l < line; l++) {
      int next = text.indexOf('\n', offset);
      if (next < 0) {
        return true;
      }
      offset = next + 1;
    }
    return text.substring(Math.min(text.length(), offset + Math.max(0, column - 1))).isBlank();
  }

  /** Line {@code line} (1-based) of {@code text}, tabs as single spaces; null if there is none. */
  private static String lineOf(String text, int line) {
    if (text == null || line < 1) {
      return null;
    }
    String[] lines = text.split("\r?\n", -1);
    return line <= lines.length ? lines[line - 1].replace('\t', ' ') : null;
  }

  private static String shown(String source) {
    return source.length() <= SHOWN ? source : source.substring(0, SHOWN) + "…";
  }

  private static String caret(String source, int column) {
    int at = Math.max(1, Math.min(column, Math.min(source.length() + 1, SHOWN + 1)));
    return " ".repeat(at - 1) + "^";
  }
}
