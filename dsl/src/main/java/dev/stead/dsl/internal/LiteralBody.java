package dev.stead.dsl.internal;

import groovy.lang.Closure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.runtime.GeneratedClosure;

/**
 * A body made only of calls with one literal argument and no receiver, such as
 * {@code file('/p') { ensure 'file'; mode '0644' }}, run without a class of its own.
 *
 * <p>Groovy compiles every closure to a class: a manifest with a body per resource made
 * thousands of classes, each generated, defined, verified and given a metaclass, which was
 * most of a first run's compile. {@link SandboxTransformer} replaces such a closure, when it
 * is the last argument of a call without a receiver, by one of these, built from the
 * statements' names, values and lines. Running it does what the compiled closure did after
 * the sandbox's rewrite: each statement is {@link SandboxRuntime#implicitCall} on the
 * running closure, in order, and the last value is returned. Owner and this-object are
 * those Groovy gives a closure written at the same place.
 *
 * <p>Where the user's code is: a compiled closure had a stack frame at each statement's line.
 * While a statement runs, its file and line are kept for {@link Locations#caller} (a stack
 * walk that meets this class's frame before a user frame takes them), and an exception
 * leaving a statement gets a frame at that line, where {@link Locations#of} finds it.
 */
public final class LiteralBody extends Closure<Object> implements GeneratedClosure {
  private static final String CLASS_NAME = LiteralBody.class.getName();
  /** The method name of the frames added for statements (see {@link #atLine}). */
  private static final String STATEMENT_FRAME = "literalStatement";
  /** The statements running on this thread, innermost last. */
  private static final ThreadLocal<ArrayDeque<Running>> RUNNING =
      ThreadLocal.withInitial(ArrayDeque::new);

  static {
    // One metaclass for every body of this kind, built once and kept (see MetaClassPins).
    MetaClassPins.pin(LiteralBody.class);
  }

  /** A statement being run: the compiled file name and its line. */
  record Running(String file, int line) {}

  private final String[] names;
  private final Object[] values;
  private final String file;
  private final int[] lines;

  LiteralBody(Object owner, String[] names, Object[] values, String file, int[] lines) {
    super(owner, owner instanceof Closure<?> c ? c.getThisObject() : owner);
    this.names = names;
    this.values = values;
    this.file = file;
    this.lines = lines;
  }

  /** Whether a stack frame of {@code className} is one of this class's frames. */
  static boolean isFrame(String className) {
    return CLASS_NAME.equals(className);
  }

  /** The statement running innermost on this thread, or null. */
  static Running running() {
    return RUNNING.get().peekLast();
  }

  public Object doCall(Object it) {
    return statements();
  }

  public Object doCall() {
    return statements();
  }

  private Object statements() {
    if (Thread.currentThread().isInterrupted()) {
      // The check @ThreadInterrupt puts at the start of every closure (see InterruptChecks).
      throw LiteralBody.<RuntimeException>sneaky(new InterruptedException(
          "Execution interrupted. The current thread has been interrupted."));
    }
    ArrayDeque<Running> running = RUNNING.get();
    Object last = null;
    for (int i = 0; i < names.length; i++) {
      running.addLast(new Running(file, lines[i]));
      try {
        last = SandboxRuntime.implicitCall(this, names[i], new Object[] {values[i]}, file,
            lines[i]);
      } catch (RuntimeException e) {
        throw atLine(e, lines[i]);
      } catch (Error e) {
        throw atLine(e, lines[i]);
      } finally {
        running.removeLast();
      }
    }
    return last;
  }

  /**
   * {@code e} with a frame at the statement's line above this body's frame, where the
   * compiled closure had its own frame. An exception leaving nested bodies passes the
   * innermost first: each adds its line above the first of this class's frames that has
   * none yet.
   */
  private <T extends Throwable> T atLine(T e, int line) {
    StackTraceElement[] trace = e.getStackTrace();
    List<StackTraceElement> out = new ArrayList<>(trace.length + 1);
    boolean added = false;
    StackTraceElement previous = null;
    for (StackTraceElement frame : trace) {
      if (!added && CLASS_NAME.equals(frame.getClassName())
          && frame.getMethodName().equals("statements")
          && !(previous != null && previous.getMethodName().equals(STATEMENT_FRAME))) {
        out.add(new StackTraceElement(scriptClassName(), STATEMENT_FRAME, file, line));
        added = true;
      }
      out.add(frame);
      previous = frame;
    }
    if (added) {
      e.setStackTrace(out.toArray(StackTraceElement[]::new));
    }
    return e;
  }

  /** Throws a checked exception unchecked, as the compiled closure's check does. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable e) throws T {
    throw (T) e;
  }

  private String scriptClassName() {
    return file.endsWith(".groovy") ? file.substring(0, file.length() - 7) : file;
  }
}
