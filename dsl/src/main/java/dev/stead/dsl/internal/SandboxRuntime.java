package dev.stead.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.GString;
import groovy.lang.GroovyClassLoader;
import groovy.lang.Range;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * The run-time half of the sandbox. {@link SandboxTransformer} rewrites every method call
 * with a receiver, property read and write, subscript, constructor call, string template and
 * size-changing operator ({@code + * ** <<}) in Stead code and templates into a call of one
 * of these methods, which checks it against an allowlist and only then dispatches it the
 * way Groovy would ({@link InvokerHelper}).
 *
 * <p>What may be called: any method not on {@link SandboxPolicy}'s deny list, on values of
 * the language (strings, numbers, booleans, characters, collections, maps, ranges, regex
 * patterns and matchers, closures, iterators, arrays), on the DSL's own objects, and on
 * classes compiled from Stead code; static methods and fields of a short list of value
 * classes ({@code Math}, the number types, {@code String}, {@code Pattern}, {@code List},
 * {@code Map}, {@code Set}, {@code Objects}). What may be constructed: those value classes
 * and classes compiled from Stead code. Everything else is refused with a
 * {@link SandboxViolation}, recorded by the running evaluation, which makes it a compile
 * error at the line that tried.
 *
 * <p>Sizes: a string may hold at most {@link #MAX_STRING} characters, a collection or map at
 * most {@link #MAX_ELEMENTS} elements, and a template render may write at most
 * {@link #MAX_STRING} characters; operations that would exceed them are refused before they
 * allocate where the size can be known in advance ({@code 'x' * n}, {@code padLeft},
 * {@code list * n}, large ranges materialised), else right after. Stateless apart from the
 * per-thread template output counter; thread-safe.
 */
public final class SandboxRuntime {
  /** The longest string Stead code may build. */
  public static final int MAX_STRING = 8 * 1024 * 1024;
  /** The most elements a collection or map built by Stead code may hold. */
  public static final int MAX_ELEMENTS = 1_000_000;
  /** The largest exponent of {@code **}: beyond it, BigInteger arithmetic runs for minutes. */
  static final int MAX_EXPONENT = 100_000;

  /** Call modes the transformer passes: plain, {@code ?.} and {@code *.}. */
  static final int PLAIN = 0;
  static final int SAFE = 1;
  static final int SPREAD = 2;

  private static final Set<Class<?>> STATIC_CLASSES = Set.of(
      Math.class, Integer.class, Long.class, Short.class, Byte.class, Double.class,
      Float.class, Boolean.class, Character.class, String.class, BigDecimal.class,
      BigInteger.class, Objects.class, List.class, Map.class, Set.class, Pattern.class);

  private static final Set<Class<?>> CONSTRUCTIBLE = Set.of(
      Object.class, String.class, StringBuilder.class, ArrayList.class, LinkedHashMap.class,
      HashMap.class, TreeMap.class, HashSet.class, LinkedHashSet.class, TreeSet.class,
      BigDecimal.class, BigInteger.class, Integer.class, Long.class, Double.class,
      Boolean.class);

  private static final Set<Class<?>> DSL_CLASSES =
      Set.of(ResourceBody.class, InstanceBody.class, Reference.class);

  /** A template's {@code out} is a writer; it may only be written to. */
  private static final Set<String> WRITER_METHODS =
      Set.of("print", "println", "write", "append", "leftShift");

  /** Methods that walk a range without materialising it, allowed on ranges of any size. */
  private static final Set<String> LAZY_RANGE_METHODS = Set.of(
      "each", "eachWithIndex", "step", "contains", "containsWithinBounds", "getFrom", "getTo",
      "size", "isEmpty", "first", "last", "any", "every", "find", "findResult", "iterator",
      "toString", "inspect", "isReverse", "equals", "hashCode", "get", "getAt", "asBoolean");

  private static final Pattern HUGE_FORMAT_WIDTH = Pattern.compile("%[^a-zA-Z%]*\\d{7,}");

  private static final ThreadLocal<long[]> OUTPUT = ThreadLocal.withInitial(() -> new long[1]);

  private SandboxRuntime() {}

  // ---- entry points called by rewritten code ----

  /** {@code receiver.name(args)}, {@code receiver?.name(args)} or {@code receiver*.name(args)}. */
  public static Object call(Object receiver, String name, int mode, Object args) {
    Object[] arguments = arguments(args);
    if (receiver == null && mode != PLAIN) {
      return null;
    }
    if (mode == SPREAD) {
      List<Object> out = new ArrayList<>();
      for (Object element : elements(receiver)) {
        out.add(element == null ? null : call(element, name, PLAIN, arguments));
      }
      return checkResult(out);
    }
    if (receiver != null && receiver.getClass() == PrintWriter.class && arguments.length == 1
        && arguments[0] instanceof String text && name.equals("print")) {
      // A template writing its text: most of a render. Groovy would pick print(String) for a
      // String too; the checks below would allow it, so only the output count applies.
      countOutput(receiver, arguments);
      ((PrintWriter) receiver).print(text);
      return null;
    }
    checkCall(receiver, name);
    preCheck(receiver, name, arguments);
    countOutput(receiver, arguments);
    Object result = InvokerHelper.invokeMethod(receiver, name, arguments);
    checkGrowth(receiver);
    return checkResult(result);
  }

  /** {@code receiver.name}, {@code receiver?.name} or {@code receiver*.name}. */
  public static Object getProperty(Object receiver, String name, int mode) {
    if (receiver == null && mode != PLAIN) {
      return null;
    }
    if (mode == SPREAD) {
      List<Object> out = new ArrayList<>();
      for (Object element : elements(receiver)) {
        out.add(element == null ? null : getProperty(element, name, PLAIN));
      }
      return out;
    }
    checkProperty(receiver, name);
    return checkResult(InvokerHelper.getProperty(receiver, name));
  }

  /** {@code receiver.name = value}; returns {@code value}, as an assignment does. */
  public static Object setProperty(Object receiver, String name, Object value) {
    checkProperty(receiver, name);
    InvokerHelper.setProperty(receiver, name, value);
    checkGrowth(receiver);
    return value;
  }

  /** {@code receiver[key]}: an element of a value, or a property of anything else. */
  public static Object getAt(Object receiver, Object key) {
    if (isIndexable(receiver)) {
      preCheck(receiver, "getAt", new Object[] {key});
      return checkResult(InvokerHelper.invokeMethod(receiver, "getAt", new Object[] {key}));
    }
    // On other objects x['name'] reads a property: check it as one.
    return getProperty(receiver, String.valueOf(key), PLAIN);
  }

  /** {@code receiver[key] = value}; returns {@code value}. */
  public static Object putAt(Object receiver, Object key, Object value) {
    if (isIndexable(receiver)) {
      InvokerHelper.invokeMethod(receiver, "putAt", new Object[] {key, value});
      checkGrowth(receiver);
      return value;
    }
    return setProperty(receiver, String.valueOf(key), value);
  }

  /** {@code new Type(args)}. */
  public static Object construct(Class<?> type, Object args) {
    Object[] arguments = arguments(args);
    if (!CONSTRUCTIBLE.contains(type) && !isUserClass(type)) {
      throw refuse("creating " + type.getName() + " objects is not allowed in Stead code");
    }
    for (Object a : arguments) {
      if (a instanceof Number n && !(type == BigDecimal.class || type == BigInteger.class
          || type == Integer.class || type == Long.class || type == Double.class)
          && n.longValue() > MAX_ELEMENTS) {
        throw refuse("new " + type.getSimpleName() + "(" + n + ") is larger than Stead code may build");
      }
    }
    return checkResult(InvokerHelper.invokeConstructorOf(type, arguments));
  }

  /** {@code left + right}. */
  public static Object plus(Object left, Object right) {
    return checkResult(InvokerHelper.invokeMethod(left, "plus", new Object[] {right}));
  }

  /** {@code left * right}: refused before it allocates when the result would be too large. */
  public static Object multiply(Object left, Object right) {
    preCheck(left, "multiply", new Object[] {right});
    return checkResult(InvokerHelper.invokeMethod(left, "multiply", new Object[] {right}));
  }

  /** {@code left ** right}. */
  public static Object power(Object left, Object right) {
    preCheck(left, "power", new Object[] {right});
    return checkResult(InvokerHelper.invokeMethod(left, "power", new Object[] {right}));
  }

  /** {@code left << right}. */
  public static Object leftShift(Object left, Object right) {
    checkCall(left, "leftShift");
    countOutput(left, new Object[] {right});
    Object result = InvokerHelper.invokeMethod(left, "leftShift", new Object[] {right});
    checkGrowth(left);
    return checkResult(result);
  }

  /** {@code text =~ regex}: a matcher that stops when the compile's time is up. */
  public static Matcher findRegex(Object text, Object regex) {
    return pattern(regex).matcher(new InterruptibleText(String.valueOf(text)));
  }

  /** {@code text ==~ regex}, stopped when the compile's time is up. */
  public static boolean matchRegex(Object text, Object regex) {
    return pattern(regex).matcher(new InterruptibleText(String.valueOf(text))).matches();
  }

  private static Pattern pattern(Object regex) {
    return regex instanceof Pattern p ? p : Pattern.compile(String.valueOf(regex));
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

  /** {@code "text ${value}"}: built now, so its size is known and bounded. */
  public static String gstring(GString value) {
    long length = 0;
    for (String s : value.getStrings()) {
      length += s.length();
    }
    for (Object v : value.getValues()) {
      length += v instanceof CharSequence s ? s.length() : 0;
    }
    if (length > MAX_STRING) {
      throw refuse("a string of " + length + " characters is larger than Stead code may build ("
          + MAX_STRING + ")");
    }
    return (String) checkResult(value.toString());
  }

  // ---- template output ----

  /** Starts counting the characters a template render writes on this thread. */
  static void startOutput() {
    OUTPUT.get()[0] = 0;
  }

  private static void countOutput(Object receiver, Object[] arguments) {
    if (receiver instanceof Writer && arguments.length > 0
        && arguments[0] instanceof CharSequence s) {
      long[] written = OUTPUT.get();
      written[0] += s.length();
      if (written[0] > MAX_STRING) {
        throw refuse("template output exceeds " + MAX_STRING + " characters");
      }
    }
  }

  // ---- checks ----

  private static void checkCall(Object receiver, String name) {
    if (SandboxPolicy.deniedMethod(name)) {
      throw refuse("calling " + name + "() is not allowed in Stead code");
    }
    if (receiver instanceof Class<?> type) {
      if (!STATIC_CLASSES.contains(type) && !isUserClass(type)) {
        throw refuse("calling " + name + "() on class " + type.getName()
            + " is not allowed in Stead code");
      }
      return;
    }
    if (SandboxPolicy.outputMethod(name) && !(receiver instanceof Writer)) {
      throw refuse(name + "() would write to the master's output; Stead code has none");
    }
    if (receiver instanceof Writer) {
      if (!WRITER_METHODS.contains(name)) {
        throw refuse("calling " + name + "() on a template's output is not allowed");
      }
      return;
    }
    if (!allowedValue(receiver)) {
      throw refuse("calling " + name + "() on " + receiver.getClass().getName()
          + " is not allowed in Stead code");
    }
  }

  private static void checkProperty(Object receiver, String name) {
    if (SandboxPolicy.deniedProperty(name)) {
      throw refuse("reading '" + name + "' is not allowed in Stead code");
    }
    if (receiver instanceof Class<?> type) {
      if (!STATIC_CLASSES.contains(type) && !isUserClass(type)) {
        throw refuse("reading '" + name + "' of class " + type.getName()
            + " is not allowed in Stead code");
      }
      return;
    }
    if (receiver instanceof Writer || !allowedValue(receiver)) {
      throw refuse("reading '" + name + "' of " + receiver.getClass().getName()
          + " is not allowed in Stead code");
    }
  }

  /** Values of the language, the DSL's objects and Stead code's own classes. */
  private static boolean allowedValue(Object o) {
    return o == null || o instanceof CharSequence || o instanceof Number
        || o instanceof Boolean || o instanceof Character || o instanceof Collection
        || o instanceof Map || o instanceof Map.Entry || o instanceof Pattern
        || o instanceof Matcher || o instanceof Closure || o instanceof Iterator
        || o instanceof SteadScript || DSL_CLASSES.contains(o.getClass())
        || o.getClass().isArray() || isUserClass(o.getClass());
  }

  /** Classes compiled from Stead code (scripts, closures, templates, their inner classes). */
  private static boolean isUserClass(Class<?> type) {
    return type.getClassLoader() instanceof GroovyClassLoader;
  }

  private static boolean isIndexable(Object o) {
    return o instanceof Collection || o instanceof Map || o instanceof CharSequence
        || o instanceof Matcher || (o != null && o.getClass().isArray());
  }

  /** Refuses calls whose result size can be told from the arguments, before allocating. */
  private static void preCheck(Object receiver, String name, Object[] args) {
    long size = sizeOf(receiver);
    if (receiver instanceof Range<?> && size > MAX_ELEMENTS
        && !LAZY_RANGE_METHODS.contains(name)) {
      throw refuse(name + "() on a range of " + size + " elements would build more than "
          + MAX_ELEMENTS + " elements");
    }
    Number n = args.length > 0 && args[0] instanceof Number x ? x : null;
    switch (name) {
      case "multiply", "repeat" -> {
        if (n != null && (receiver instanceof CharSequence || receiver instanceof Collection)) {
          checkSize(receiver, (double) size * n.doubleValue());
        }
      }
      case "padLeft", "padRight", "center" -> {
        if (n != null) {
          checkSize(receiver, n.doubleValue());
        }
      }
      case "power" -> {
        if (n != null && receiver instanceof Number base && Math.abs(base.doubleValue()) > 1
            && Math.abs(n.doubleValue()) > MAX_EXPONENT) {
          throw refuse(base + " ** " + n + " is larger than Stead code may compute (exponent > "
              + MAX_EXPONENT + ")");
        }
      }
      case "format", "sprintf", "printf" -> {
        for (Object a : args) {
          if (a instanceof CharSequence s && HUGE_FORMAT_WIDTH.matcher(s).find()) {
            throw refuse(name + "() with a field width of a million characters or more");
          }
        }
        if (receiver instanceof CharSequence s && HUGE_FORMAT_WIDTH.matcher(s).find()) {
          throw refuse(name + "() with a field width of a million characters or more");
        }
      }
      default -> { }
    }
  }

  private static void checkSize(Object receiver, double size) {
    long max = receiver instanceof CharSequence ? MAX_STRING : MAX_ELEMENTS;
    if (size > max) {
      throw refuse("this would build " + (receiver instanceof CharSequence ? "a string of "
          + (long) size + " characters" : (long) size + " elements") + ", more than Stead code may ("
          + max + ")");
    }
  }

  /** A collection, map or builder the call just made larger than allowed. */
  private static void checkGrowth(Object receiver) {
    if (receiver instanceof FactReads.View) {
      return;
    }
    if (receiver instanceof Collection<?> && !(receiver instanceof Range<?>)
        || receiver instanceof Map<?, ?> || receiver instanceof StringBuilder
        || receiver instanceof StringBuffer) {
      checkResult(receiver);
    }
  }

  private static Object checkResult(Object result) {
    if (result instanceof FactReads.View) {
      // The node's facts: bounded by the request size, and counting them would record a read.
      return result;
    }
    if (result instanceof CharSequence s && !(result instanceof GString)
        && s.length() > MAX_STRING) {
      throw refuse("a string of " + s.length() + " characters is larger than Stead code may build ("
          + MAX_STRING + ")");
    }
    if (result instanceof Collection<?> c && !(result instanceof Range<?>)
        && c.size() > MAX_ELEMENTS) {
      throw refuse("a collection of " + c.size() + " elements is larger than Stead code may build ("
          + MAX_ELEMENTS + ")");
    }
    if (result instanceof Map<?, ?> m && m.size() > MAX_ELEMENTS) {
      throw refuse("a map of " + m.size() + " entries is larger than Stead code may build ("
          + MAX_ELEMENTS + ")");
    }
    return result;
  }

  private static long sizeOf(Object o) {
    try {
      if (o instanceof CharSequence s) {
        return s.length();
      }
      if (o instanceof Collection<?> c) {
        return c.size();
      }
    } catch (RuntimeException e) {
      // A range too large to count in an int.
      return Long.MAX_VALUE;
    }
    return 0;
  }

  private static Iterable<?> elements(Object receiver) {
    if (receiver instanceof Iterable<?> it) {
      checkCall(receiver, "iterator");
      return it;
    }
    if (receiver != null && receiver.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < Array.getLength(receiver); i++) {
        out.add(Array.get(receiver, i));
      }
      return out;
    }
    return java.util.Collections.singletonList(receiver);
  }

  private static Object[] arguments(Object args) {
    if (args instanceof Object[] array) {
      return array;
    }
    if (args instanceof List<?> list) {
      return list.toArray();
    }
    return new Object[] {args};
  }

  private static SandboxViolation refuse(String message) {
    SandboxViolation v = new SandboxViolation("sandbox: " + message);
    Evaluation.recordViolation(v);
    return v;
  }
}
