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
import groovy.lang.GroovyRuntimeException;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.runtime.ScriptBytecodeAdapter;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;
import org.codehaus.groovy.runtime.typehandling.NumberMath;

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
 * {@code list * n}, large ranges materialised, library calls that would build a huge value
 * without a check the limits could stop), else right after. Every call, operator and case
 * value that runs a regular expression goes through {@link BoundedRegex}. Stateless apart from the
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
      Set.of(ResourceBody.class, InstanceBody.class, Reference.class, ModuleFunctions.class);

  /**
   * What code may call on a resource reference: the chaining operators ({@code >>},
   * {@code >>>}) and its text. Its other methods are the compiler's.
   */
  private static final Set<String> REFERENCE_METHODS =
      Set.of("rightShift", "rightShiftUnsigned", "toString", "equals", "hashCode");

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

  /*
   * The rewritten code calls these directly (invokestatic). Groovy's own call sites, which
   * these calls used to be, pass every GroovyRuntimeException through
   * ScriptBytecodeAdapter.unwrap: a "no stack" missing-property or missing-method exception
   * becomes one with a stack (whose user frame gives the error its line), and a wrapped
   * exception its cause. The wrappers below keep that.
   */

  /** See {@link #callRaw}. */
  public static Object call(Object receiver, String name, int mode, Object args) {
    try {
      return callRaw(receiver, name, mode, args);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /**
   * A body of literal statements written in {@code owner}'s code (a closure, or a script);
   * see {@link LiteralBody}. Builds a value like a closure expression does; runs nothing.
   */
  public static Object literalBody(Object owner, String[] names, Object[] values, String file,
      int[] lines) {
    return new LiteralBody(owner, names, values, file, lines);
  }

  /** See {@link #implicitCallRaw}. */
  public static Object implicitCall(Object self, String name, Object args, String file,
      int line) {
    try {
      return implicitCallRaw(self, name, args, file, line);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #implicitPropertyRaw}. */
  public static Object implicitProperty(Object self, String name) {
    try {
      return implicitPropertyRaw(self, name);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #getPropertyRaw}. */
  public static Object getProperty(Object receiver, String name, int mode) {
    try {
      return getPropertyRaw(receiver, name, mode);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #setPropertyRaw}. */
  public static Object setProperty(Object receiver, String name, Object value) {
    try {
      return setPropertyRaw(receiver, name, value);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #getAtRaw}. */
  public static Object getAt(Object receiver, Object key) {
    try {
      return getAtRaw(receiver, key);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #putAtRaw}. */
  public static Object putAt(Object receiver, Object key, Object value) {
    try {
      return putAtRaw(receiver, key, value);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #constructRaw}. */
  public static Object construct(Class<?> type, Object args) {
    try {
      return constructRaw(type, args);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #plusRaw}. */
  public static Object plus(Object left, Object right) {
    try {
      return plusRaw(left, right);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #multiplyRaw}. */
  public static Object multiply(Object left, Object right) {
    try {
      return multiplyRaw(left, right);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #powerRaw}. */
  public static Object power(Object left, Object right) {
    try {
      return powerRaw(left, right);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #leftShiftRaw}. */
  public static Object leftShift(Object left, Object right) {
    try {
      return leftShiftRaw(left, right);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #findRegexRaw}. */
  public static Matcher findRegex(Object text, Object regex) {
    try {
      return findRegexRaw(text, regex);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #matchRegexRaw}. */
  public static boolean matchRegex(Object text, Object regex) {
    try {
      return matchRegexRaw(text, regex);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #isCaseRaw}. */
  public static boolean isCase(Object caseValue, Object value) {
    try {
      return isCaseRaw(caseValue, value);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #caseValueRaw}. */
  public static Object caseValue(Object value) {
    return caseValueRaw(value);
  }

  /**
   * An {@code assert}: true, or an AssertionError naming the expression's source text and the
   * code's message (its text bounded), never the text of the values (see SandboxTransformer).
   */
  public static boolean check(Object condition, String text, Object message) {
    if (DefaultTypeTransformation.castToBoolean(condition)) {
      return true;
    }
    if (message == null) {
      throw new AssertionError("assertion failed: " + text);
    }
    checkPrinted(message, MAX_STRING);
    throw new AssertionError(message + ". Expression: " + text);
  }

  /** See {@link #minusRaw}. */
  public static Object minus(Object left, Object right) {
    try {
      return minusRaw(left, right);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  /** See {@link #gstringRaw}. */
  public static String gstring(GString value) {
    try {
      return gstringRaw(value);
    } catch (GroovyRuntimeException e) {
      throw unwrap(e);
    }
  }

  private static RuntimeException unwrap(GroovyRuntimeException e) {
    Throwable t = ScriptBytecodeAdapter.unwrap(e);
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return SandboxRuntime.<RuntimeException>sneaky(t);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }


  /** {@code receiver.name(args)}, {@code receiver?.name(args)} or {@code receiver*.name(args)}. */
  private static Object callRaw(Object receiver, String name, int mode, Object args) {
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
    Object regexResult = BoundedRegex.call(receiver, name, arguments);
    if (regexResult != BoundedRegex.NOT_A_REGEX_CALL) {
      return checkResult(regexResult);
    }
    Object result = InvokerHelper.invokeMethod(receiver, name, arguments);
    checkGrowth(receiver);
    return checkResult(result);
  }

  /**
   * {@code name(args)} without a receiver inside a closure ({@code self}): dispatched on the
   * closure exactly as Groovy would, without checks (the name was checked at compile time).
   * {@code file} (the compiled file's name) and {@code line} are where the call starts.
   */
  private static Object implicitCallRaw(Object self, String name, Object args, String file,
      int line) {
    return ImplicitCalls.call(self, name, arguments(args), file, line);
  }

  /**
   * A name read in closure {@code self} that no declaration binds ({@code facts}): a property
   * of the closure, as Groovy reads it (the closure looks in its owner and delegate). Not
   * checked here, as before: such names are checked at compile time.
   */
  private static Object implicitPropertyRaw(Object self, String name) {
    return ImplicitCalls.property(self, name);
  }

  /** {@code receiver.name}, {@code receiver?.name} or {@code receiver*.name}. */
  private static Object getPropertyRaw(Object receiver, String name, int mode) {
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
  private static Object setPropertyRaw(Object receiver, String name, Object value) {
    checkProperty(receiver, name);
    InvokerHelper.setProperty(receiver, name, value);
    checkGrowth(receiver);
    return value;
  }

  /** {@code receiver[key]}: an element of a value, or a property of anything else. */
  private static Object getAtRaw(Object receiver, Object key) {
    if (isIndexable(receiver)) {
      preCheck(receiver, "getAt", new Object[] {key});
      return checkResult(InvokerHelper.invokeMethod(receiver, "getAt", new Object[] {key}));
    }
    // On other objects x['name'] reads a property: check it as one.
    return getProperty(receiver, String.valueOf(key), PLAIN);
  }

  /** {@code receiver[key] = value}; returns {@code value}. */
  private static Object putAtRaw(Object receiver, Object key, Object value) {
    if (isIndexable(receiver)) {
      InvokerHelper.invokeMethod(receiver, "putAt", new Object[] {key, value});
      checkGrowth(receiver);
      return value;
    }
    return setProperty(receiver, String.valueOf(key), value);
  }

  /** {@code new Type(args)}. */
  private static Object constructRaw(Class<?> type, Object args) {
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
  private static Object plusRaw(Object left, Object right) {
    if (left instanceof CharSequence text && !(right instanceof CharSequence)) {
      checkPrinted(right, MAX_STRING - text.length());
    }
    return checkResult(InvokerHelper.invokeMethod(left, "plus", new Object[] {right}));
  }

  /** {@code left * right}: refused before it allocates when the result would be too large. */
  private static Object multiplyRaw(Object left, Object right) {
    preCheck(left, "multiply", new Object[] {right});
    return checkResult(InvokerHelper.invokeMethod(left, "multiply", new Object[] {right}));
  }

  /** {@code left ** right}. */
  private static Object powerRaw(Object left, Object right) {
    preCheck(left, "power", new Object[] {right});
    return checkResult(InvokerHelper.invokeMethod(left, "power", new Object[] {right}));
  }

  /** {@code left << right}. */
  private static Object leftShiftRaw(Object left, Object right) {
    checkCall(left, "leftShift");
    preCheck(left, "leftShift", new Object[] {right});
    countOutput(left, new Object[] {right});
    Object result = InvokerHelper.invokeMethod(left, "leftShift", new Object[] {right});
    checkGrowth(left);
    return checkResult(result);
  }

  /** {@code text =~ regex}: a matcher that stops when the compile's time is up. */
  private static Matcher findRegexRaw(Object text, Object regex) {
    return BoundedRegex.matcher(BoundedRegex.pattern(regex), text);
  }

  /** {@code text ==~ regex}, stopped when the compile's time is up. */
  private static boolean matchRegexRaw(Object text, Object regex) {
    return BoundedRegex.matcher(BoundedRegex.pattern(regex), text).matches();
  }

  /**
   * {@code value in caseValue}: Groovy's {@code caseValue.isCase(value)}, with a pattern
   * matched bounded.
   */
  private static boolean isCaseRaw(Object caseValue, Object value) {
    if (caseValue instanceof Pattern p) {
      return BoundedRegex.isCase(p, value);
    }
    try {
      return ScriptBytecodeAdapter.isCase(value, caseValue);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw SandboxRuntime.<RuntimeException>sneaky(t);
    }
  }

  /** The value of a {@code case}: a pattern becomes a case value that matches bounded. */
  private static Object caseValueRaw(Object value) {
    return value instanceof Pattern p ? new RegexCase(p) : value;
  }

  /** {@code left - right}; text minus a pattern removes its first match, bounded. */
  private static Object minusRaw(Object left, Object right) {
    if (left instanceof Number a && right instanceof Number b) {
      return NumberMath.subtract(a, b);
    }
    if (left instanceof CharSequence text && right instanceof Pattern p) {
      return BoundedRegex.matcher(p, text).replaceFirst("");
    }
    return checkResult(InvokerHelper.invokeMethod(left, "minus", new Object[] {right}));
  }

  /** {@code "text ${value}"}: built now, so its size is known and bounded. */
  private static String gstringRaw(GString value) {
    long length = 0;
    for (String s : value.getStrings()) {
      length += s.length();
    }
    for (Object v : value.getValues()) {
      length += v instanceof CharSequence s ? s.length()
          : PrintedLength.of(v, Math.max(0, MAX_STRING - length));
    }
    if (length > MAX_STRING) {
      throw refuse("a string of " + length + " characters is larger than Stead code may build ("
          + MAX_STRING + ")");
    }
    String plain = plainText(value);
    return (String) checkResult(plain != null ? plain : value.toString());
  }

  /**
   * The text of a GString whose values are all strings, ints or longs, built directly; null
   * for any other value. Groovy writes a String value as it is and formats an Integer or a
   * Long with its toString(), after a long chain of type tests that showed in profiles.
   */
  private static String plainText(GString value) {
    String[] strings = value.getStrings();
    Object[] values = value.getValues();
    if (values.length > strings.length) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < strings.length; i++) {
      out.append(strings[i]);
      if (i < values.length) {
        Object v = values[i];
        if (v instanceof String text) {
          out.append(text);
        } else if (v instanceof Integer || v instanceof Long) {
          out.append(v.toString());
        } else {
          return null;
        }
      }
    }
    return out.toString();
  }

  // ---- template output ----

  /** Starts counting the characters a template render writes on this thread. */
  static void startOutput() {
    OUTPUT.get()[0] = 0;
  }

  private static void countOutput(Object receiver, Object[] arguments) {
    if (receiver instanceof Writer && arguments.length > 0) {
      long[] written = OUTPUT.get();
      written[0] += arguments[0] instanceof CharSequence s ? s.length()
          : PrintedLength.of(arguments[0], MAX_STRING);
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
    if (receiver instanceof Reference && !REFERENCE_METHODS.contains(name)) {
      throw refuse("calling " + name + "() on a resource reference is not allowed in Stead"
          + " code (a reference takes >> and >>>)");
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
    if (receiver instanceof Writer || receiver instanceof Reference
        || !allowedValue(receiver)) {
      throw refuse("reading '" + name + "' of " + receiver.getClass().getName()
          + " is not allowed in Stead code");
    }
  }

  /** Values of the language, the DSL's objects and Stead code's own classes. */
  private static boolean allowedValue(Object o) {
    return o == null || (kind(o) & ALLOWED) != 0;
  }

  /*
   * What the checks need to know of a value depends only on its class: told once per class
   * (ClassValue) instead of by chains of instanceof tests against interfaces on every call,
   * which showed in profiles (and contend between threads on the JVM's per-class cache of
   * the last interface tested).
   */
  private static final int ALLOWED = 1;
  private static final int VIEW = 2;
  /** A CharSequence other than a GString. */
  private static final int TEXT = 4;
  /** A Collection other than a Range. */
  private static final int COLLECTION = 8;
  private static final int MAP = 16;
  /** What a call can make larger: a collection (not a range), a map or a string builder. */
  private static final int GROWABLE = 32;

  private static final ClassValue<Integer> KINDS = new ClassValue<>() {
    @Override
    protected Integer computeValue(Class<?> c) {
      boolean collection = Collection.class.isAssignableFrom(c) && !Range.class.isAssignableFrom(c);
      boolean map = Map.class.isAssignableFrom(c);
      int kind = 0;
      if (CharSequence.class.isAssignableFrom(c) || Number.class.isAssignableFrom(c)
          || Boolean.class.isAssignableFrom(c) || Character.class.isAssignableFrom(c)
          || Collection.class.isAssignableFrom(c) || map
          || Map.Entry.class.isAssignableFrom(c) || Pattern.class.isAssignableFrom(c)
          || Matcher.class.isAssignableFrom(c) || Closure.class.isAssignableFrom(c)
          || Iterator.class.isAssignableFrom(c) || SteadScript.class.isAssignableFrom(c)
          || DSL_CLASSES.contains(c) || c.isArray() || isUserClass(c)) {
        kind |= ALLOWED;
      }
      if (FactReads.View.class.isAssignableFrom(c)) {
        kind |= VIEW;
      }
      if (CharSequence.class.isAssignableFrom(c) && !GString.class.isAssignableFrom(c)) {
        kind |= TEXT;
      }
      if (collection) {
        kind |= COLLECTION;
      }
      if (map) {
        kind |= MAP;
      }
      if (collection || map || StringBuilder.class.isAssignableFrom(c)
          || StringBuffer.class.isAssignableFrom(c)) {
        kind |= GROWABLE;
      }
      return kind;
    }
  };

  private static int kind(Object o) {
    return KINDS.get(o.getClass());
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
      case "power", "pow" -> {
        if (n != null && receiver instanceof Number base && Math.abs(base.doubleValue()) > 1
            && Math.abs(n.doubleValue()) > MAX_EXPONENT) {
          throw refuse(base + " ** " + n + " is larger than Stead code may compute (exponent > "
              + MAX_EXPONENT + ")");
        }
      }
      case "leftShift", "shiftLeft" -> {
        if (n != null && receiver instanceof BigInteger && n.doubleValue() > MAX_EXPONENT) {
          throw refuse("shifting a number by " + n + " bits is more than Stead code may compute ("
              + MAX_EXPONENT + ")");
        }
      }
      case "setLength", "ensureCapacity" -> {
        if (n != null && receiver instanceof CharSequence) {
          checkSize(receiver, n.doubleValue());
        }
      }
      // The library builds these without a check the time limit or memory bound could stop.
      case "permutations" -> {
        if (receiver instanceof Collection<?> c && c.size() > 9) {
          throw refuse("permutations() of " + c.size() + " elements would build more than "
              + MAX_ELEMENTS + " lists; use eachPermutation { }");
        }
      }
      case "subsequences" -> {
        if (receiver instanceof Collection<?> c && c.size() >= 20) {
          throw refuse("subsequences() of " + c.size() + " elements would build more than "
              + MAX_ELEMENTS + " lists");
        }
      }
      case "combinations" -> {
        if (receiver instanceof Collection<?> c) {
          double count = 1;
          for (Object part : c) {
            count *= part instanceof Collection<?> p ? p.size() : 1;
          }
          if (count > MAX_ELEMENTS) {
            throw refuse("combinations() would build " + (long) count + " lists, more than "
                + MAX_ELEMENTS + "; use eachCombination { }");
          }
        }
      }
      case "toString", "inspect", "toListString", "toMapString", "toArrayString", "valueOf",
          "copyValueOf" -> {
        if (receiver == String.class || receiver == Objects.class) {
          for (Object a : args) {
            checkPrinted(a, MAX_STRING);
          }
        } else if (!(receiver instanceof CharSequence) && !(receiver instanceof Number)) {
          checkPrinted(receiver, MAX_STRING);
        }
      }
      case "flatten" -> {
        if (receiver instanceof Collection<?> c) {
          checkSize(List.of(), leaves(c, MAX_ELEMENTS));
        }
      }
      case "join", "sum" -> {
        if (receiver == String.class) {
          long length = 0;
          for (Object a : args) {
            length += PrintedLength.of(a, MAX_STRING);
          }
          checkSize("", length);
        }
        if (receiver instanceof Iterable<?> items && name.equals("sum")) {
          double elements = 0;
          for (Object item : items) {
            elements += item instanceof Collection<?> c ? c.size() : 0;
          }
          checkSize(List.of(), elements);
        }
        if (receiver instanceof Iterable<?> items) {
          checkSize("", textLength(items) + (args.length > 0 && args[0] instanceof CharSequence sep
              ? (double) sep.length() * size : 0));
        }
      }
      case "format", "sprintf", "printf", "formatted" -> {
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

  /** Refuses turning {@code value} into text longer than {@code max} characters. */
  private static void checkPrinted(Object value, long max) {
    if (value instanceof CharSequence || value instanceof Number || value == null) {
      return;
    }
    if (PrintedLength.of(value, max) > max) {
      throw refuse("the text of this " + value.getClass().getSimpleName() + " would be longer "
          + "than Stead code may build (" + MAX_STRING + " characters)");
    }
  }

  /**
   * At least how many elements flattening {@code items} gives (nested lists counted as well),
   * counted up to just past {@code limit}.
   */
  private static long leaves(Collection<?> items, long limit) {
    java.util.ArrayDeque<Collection<?>> pending = new java.util.ArrayDeque<>();
    pending.push(items);
    long count = 0;
    while (!pending.isEmpty() && count <= limit) {
      for (Object item : pending.pop()) {
        // Nested lists count too: a list that contains itself must end the count.
        if (++count > limit) {
          break;
        }
        if (item instanceof Collection<?> nested) {
          pending.push(nested);
        }
      }
    }
    return count;
  }

  /** The characters of the strings among {@code items}: what joining them would build. */
  private static double textLength(Iterable<?> items) {
    double length = 0;
    for (Object item : items) {
      if (item instanceof CharSequence text) {
        length += text.length();
      }
    }
    return length;
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
    if (receiver == null) {
      return;
    }
    int kind = kind(receiver);
    if ((kind & VIEW) == 0 && (kind & GROWABLE) != 0) {
      checkResult(receiver);
    }
  }

  private static Object checkResult(Object result) {
    if (result == null) {
      return null;
    }
    int kind = kind(result);
    if ((kind & VIEW) != 0) {
      // The node's facts: bounded by the request size, and counting them would record a read.
      return result;
    }
    if ((kind & TEXT) != 0 && ((CharSequence) result).length() > MAX_STRING) {
      throw refuse("a string of " + ((CharSequence) result).length()
          + " characters is larger than Stead code may build (" + MAX_STRING + ")");
    }
    if ((kind & COLLECTION) != 0 && ((Collection<?>) result).size() > MAX_ELEMENTS) {
      throw refuse("a collection of " + ((Collection<?>) result).size()
          + " elements is larger than Stead code may build (" + MAX_ELEMENTS + ")");
    }
    if ((kind & MAP) != 0 && ((Map<?, ?>) result).size() > MAX_ELEMENTS) {
      throw refuse("a map of " + ((Map<?, ?>) result).size()
          + " entries is larger than Stead code may build (" + MAX_ELEMENTS + ")");
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

  /** A refusal, recorded by the running compile; the caller throws it. */
  static SandboxViolation refuse(String message) {
    SandboxViolation v = new SandboxViolation("sandbox: " + message);
    Evaluation.recordViolation(v);
    return v;
  }
}
