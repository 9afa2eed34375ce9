package dev.stead.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.GString;
import groovy.lang.GroovySystem;
import groovy.lang.IntRange;
import groovy.lang.MetaClassRegistry;
import groovy.lang.Reference;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.codehaus.groovy.runtime.GStringImpl;

/**
 * Readies, on a thread of its own, the parts of Groovy's runtime that every evaluation of
 * Stead code reaches whatever the code is, so that a process that has just started does not
 * do it inside its first compile. A profile of a master's first 1,000-resource compile after a
 * restart found a fifth of it here: Groovy's formatting helper, reached by the first value
 * that is not a string in a template or a GString, lists the classes of Groovy's default
 * imports when its class is initialised, by walking the JDK's module image and Groovy's own
 * jar (~0.2 s); and the metaclasses of the runtime's own types (a resource body, the facts'
 * view, ranges, integers, GStrings, the read-only collections data comes in) were built on
 * first use. Nothing here runs Stead code or depends on it: the same work, done earlier and
 * beside the process's other start-up work. The JVM initialises a class once, so a compile
 * that reaches one of these before this thread is done waits for it rather than repeating it.
 */
public final class RuntimeWarmup {
  private static final Logger LOG = Logger.getLogger(RuntimeWarmup.class.getName());
  /** Groovy's class whose initialiser walks the module image (not public API: by name). */
  public static final String FORMAT_HELPER = "org.codehaus.groovy.runtime.FormatHelper";
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private RuntimeWarmup() {}

  /** The types whose metaclasses every evaluation builds, in the order a compile meets them. */
  static List<Class<?>> runtimeTypes() {
    return List.of(Closure.class, ResourceBody.class, LiteralBody.class, FactReads.View.class,
        String.class, Integer.class, IntRange.class, Reference.class, GStringImpl.class,
        GString.EMPTY.getClass(),
        Collections.unmodifiableMap(Map.of()).getClass(),
        Collections.unmodifiableList(new java.util.ArrayList<>()).getClass());
  }

  /** Starts the work on a daemon thread at the first call; later calls do nothing. */
  public static void startOnce() {
    if (!STARTED.get() && STARTED.compareAndSet(false, true)) {
      Thread t = new Thread(RuntimeWarmup::run, "dsl-runtime-warmup");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Does the work on the caller's thread. */
  public static void run() {
    try {
      Class.forName(FORMAT_HELPER, true, RuntimeWarmup.class.getClassLoader());
      MetaClassRegistry registry = GroovySystem.getMetaClassRegistry();
      for (Class<?> type : runtimeTypes()) {
        registry.getMetaClass(type);
      }
    } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
      // Only a head start: the first compile does the same work and reports what fails.
      LOG.log(Level.FINE, "Groovy's runtime was not readied ahead", e);
    }
  }
}
