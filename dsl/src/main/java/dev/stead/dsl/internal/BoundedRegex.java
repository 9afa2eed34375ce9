package dev.stead.dsl.internal;

import groovy.lang.Closure;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codehaus.groovy.runtime.DefaultGroovyMethods;
import org.codehaus.groovy.runtime.FormatHelper;

/**
 * Every regular expression Stead code runs, run over text that stops at the compile's time
 * limit. Java's regex engine checks nothing while it backtracks, so a pattern like
 * {@code (a*)*\1b} on forty a's would hold its thread for hours; here it reads its input
 * through {@link InterruptibleText}, which checks the thread's interrupt flag (set by
 * {@link TimeLimit}) on every character it reads.
 *
 * <p>{@link #call} takes over each method that matches text against a pattern, whatever the
 * receiver: the String and CharSequence methods (Java's and Groovy's: {@code matches},
 * {@code replaceAll}, {@code replaceFirst}, {@code split}, {@code find}, {@code findAll},
 * {@code eachMatch}, {@code minus}), the Pattern methods ({@code matcher}, {@code split},
 * {@code isCase}, {@code asPredicate}, static {@code matches}), {@code Matcher.reset} and
 * {@code grep} with a pattern filter; it gives the same results as the methods it replaces.
 * The few it cannot bound ({@code splitEachLine} with a regex, {@code splitWithDelimiters})
 * are refused. The operators ({@code =~ ==~ in - switch/case}) come here through
 * {@link SandboxRuntime}. Stateless and thread-safe.
 */
final class BoundedRegex {
  /** What {@link #call} answers for a call that runs no regular expression. */
  static final Object NOT_A_REGEX_CALL = new Object();

  /** Methods on text that take a regular expression. */
  private static final Set<String> TEXT_METHODS = Set.of("matches", "replaceAll",
      "replaceFirst", "split", "find", "findAll", "eachMatch", "minus", "splitEachLine",
      "splitWithDelimiters");

  private BoundedRegex() {}

  /** {@code pattern.matcher(text)}, over text that stops at the time limit. */
  static Matcher matcher(Pattern pattern, Object text) {
    return pattern.matcher(new InterruptibleText(String.valueOf(text)));
  }

  /** A Pattern as is; any other value as the regular expression its string spells. */
  static Pattern pattern(Object regex) {
    return regex instanceof Pattern p ? p : Pattern.compile(String.valueOf(regex));
  }

  /** {@code caseValue.isCase(value)} for a pattern: the whole of the value's string matches. */
  static boolean isCase(Pattern caseValue, Object value) {
    return value != null && matcher(caseValue, value).matches();
  }

  /**
   * Runs {@code receiver.name(args)} when it matches text against a pattern, bounded, and
   * returns its result; {@link #NOT_A_REGEX_CALL} when the call runs no regular expression.
   * May replace a pattern in {@code args} with a bounded filter (for {@code grep}) and still
   * answer {@link #NOT_A_REGEX_CALL}: the caller then dispatches the call as usual.
   */
  static Object call(Object receiver, String name, Object[] args) {
    if (receiver instanceof CharSequence text && TEXT_METHODS.contains(name)) {
      return onText(text.toString(), name, args);
    }
    if (receiver instanceof Pattern pattern) {
      return onPattern(pattern, name, args);
    }
    if (receiver instanceof Matcher m && name.equals("reset") && args.length == 1
        && args[0] instanceof CharSequence text) {
      return m.reset(new InterruptibleText(text.toString()));
    }
    if (receiver == Pattern.class && name.equals("matches") && args.length == 2
        && args[0] instanceof CharSequence regex && args[1] instanceof CharSequence text) {
      return matcher(Pattern.compile(regex.toString()), text).matches();
    }
    if (name.equals("grep") && args.length == 1 && args[0] instanceof Pattern pattern) {
      args[0] = new RegexCase(pattern);
    }
    return NOT_A_REGEX_CALL;
  }

  private static Object onText(String text, String name, Object[] args) {
    if (args.length == 0 || !(args[0] instanceof CharSequence || args[0] instanceof Pattern)) {
      return NOT_A_REGEX_CALL;
    }
    Object second = args.length == 2 ? args[1] : null;
    if (args.length > 2) {
      return NOT_A_REGEX_CALL;
    }
    Pattern pattern = pattern(args[0]);
    switch (name) {
      case "matches":
        return second == null ? matcher(pattern, text).matches() : NOT_A_REGEX_CALL;
      case "replaceAll":
      case "replaceFirst": {
        boolean all = name.equals("replaceAll");
        if (second instanceof CharSequence replacement) {
          Matcher m = matcher(pattern, text);
          return all ? m.replaceAll(replacement.toString()) : m.replaceFirst(replacement.toString());
        }
        return second instanceof Closure<?> closure ? replace(text, pattern, closure, all)
            : NOT_A_REGEX_CALL;
      }
      case "split":
        if (!(args[0] instanceof CharSequence) || (second != null && !(second instanceof Integer))) {
          return NOT_A_REGEX_CALL;
        }
        return pattern.split(new InterruptibleText(text), second == null ? 0 : (Integer) second);
      case "find": {
        Matcher m = matcher(pattern, text);
        if (second == null) {
          return m.find() ? m.group() : null;
        }
        return second instanceof Closure<?> closure ? (m.find() ? replacement(m, closure) : null)
            : NOT_A_REGEX_CALL;
      }
      case "findAll": {
        Matcher m = matcher(pattern, text);
        if (second == null) {
          List<String> found = new ArrayList<>();
          while (m.find()) {
            found.add(m.group());
          }
          return found;
        }
        return second instanceof Closure<?> closure ? DefaultGroovyMethods.collect((Object) m, closure)
            : NOT_A_REGEX_CALL;
      }
      case "eachMatch":
        if (second instanceof Closure<?> closure) {
          DefaultGroovyMethods.each(matcher(pattern, text), closure);
          return text;
        }
        return NOT_A_REGEX_CALL;
      case "minus":
        // minus of a string is literal text, not a regular expression
        return args[0] instanceof Pattern && second == null
            ? matcher(pattern, text).replaceFirst("") : NOT_A_REGEX_CALL;
      default:
        throw SandboxRuntime.refuse(name + "() with a regular expression is not allowed in "
            + "Stead code (it cannot be stopped at the time limit); use split() or =~");
    }
  }

  private static Object onPattern(Pattern pattern, String name, Object[] args) {
    Object first = args.length > 0 ? args[0] : null;
    switch (name) {
      case "matcher":
        return args.length == 1 && first instanceof CharSequence ? matcher(pattern, first)
            : NOT_A_REGEX_CALL;
      case "split":
        if (first instanceof CharSequence text && args.length <= 2
            && (args.length == 1 || args[1] instanceof Integer)) {
          return pattern.split(new InterruptibleText(text.toString()),
              args.length == 1 ? 0 : (Integer) args[1]);
        }
        return NOT_A_REGEX_CALL;
      case "splitAsStream":
        return args.length == 1 && first instanceof CharSequence text
            ? pattern.splitAsStream(new InterruptibleText(text.toString())) : NOT_A_REGEX_CALL;
      case "isCase":
        return args.length == 1 ? (Object) isCase(pattern, first) : NOT_A_REGEX_CALL;
      case "isNotCase":
        return args.length == 1 ? (Object) !isCase(pattern, first) : NOT_A_REGEX_CALL;
      case "asPredicate":
        return args.length == 0 ? (Predicate<String>) s -> matcher(pattern, s).find()
            : NOT_A_REGEX_CALL;
      case "asMatchPredicate":
        return args.length == 0 ? (Predicate<String>) s -> matcher(pattern, s).matches()
            : NOT_A_REGEX_CALL;
      default:
        return NOT_A_REGEX_CALL;
    }
  }

  /** Groovy's replaceAll/replaceFirst with a closure computing each replacement. */
  private static String replace(String text, Pattern pattern, Closure<?> closure, boolean all) {
    Matcher m = matcher(pattern, text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    do {
      m.appendReplacement(out, Matcher.quoteReplacement(replacement(m, closure)));
    } while (all && m.find());
    m.appendTail(out);
    return out.toString();
  }

  /**
   * What the closure makes of one match, as Groovy computes it: the closure gets the match,
   * or the list of the match and its groups (as a String[] when it asks for one).
   */
  private static String replacement(Matcher m, Closure<?> closure) {
    if (m.groupCount() == 0) {
      return FormatHelper.toString(closure.call(m.group(0)));
    }
    List<String> groups = new ArrayList<>(m.groupCount() + 1);
    for (int i = 0; i <= m.groupCount(); i++) {
      groups.add(m.group(i));
    }
    Class<?>[] types = closure.getParameterTypes();
    if (types.length == 1 && types[0].isArray()
        && types[0].getComponentType().isAssignableFrom(String.class)) {
      return FormatHelper.toString(closure.call(groups.toArray()));
    }
    return FormatHelper.toString(closure.call(groups));
  }

  /**
   * Text that checks the thread's interrupt flag as the regex engine reads it, so that
   * catastrophic backtracking ends at the time limit like a loop does.
   */
  private record InterruptibleText(String text) implements CharSequence {
    @Override
    public char charAt(int index) {
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException(new InterruptedException("regular expression stopped"));
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new InterruptibleText(text.substring(start, end));
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
