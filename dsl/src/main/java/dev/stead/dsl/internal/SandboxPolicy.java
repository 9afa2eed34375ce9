package dev.stead.dsl.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What Stead code may not name: classes (by exact name or package prefix), method names and
 * property names that lead to the file system, processes, the network, reflection, class
 * loaders, threads, metaclasses or evaluation of new code (a deny list), and what a class of
 * Stead code may extend or implement (an allow list). Checked at compile time; see
 * {@link SandboxChecker} for where it is applied and what it cannot see.
 * Stateless and thread-safe.
 */
final class SandboxPolicy {
  private static final List<String> DENIED_PACKAGES = List.of(
      "java.io.", "java.nio.", "java.net.", "java.lang.reflect.", "java.lang.invoke.",
      "java.lang.ref.", "java.lang.management.", "java.lang.instrument.", "java.lang.module.",
      "java.util.concurrent.", "java.util.logging.", "java.util.prefs.", "java.util.jar.",
      "java.util.zip.", "java.security.", "java.sql.", "java.rmi.", "java.beans.",
      "javax.", "jdk.", "sun.", "com.sun.", "org.codehaus.groovy.", "org.apache.groovy.",
      "groovyjarjar", "groovy.grape.", "groovy.io.", "groovy.sql.", "groovy.text.",
      "groovy.servlet.", "groovy.ui.", "groovy.xml.", "groovy.cli.", "groovy.console.",
      "dev.stead.", "com.google.");

  private static final Set<String> DENIED_CLASSES = Set.of(
      "java.lang.System", "java.lang.Runtime", "java.lang.ProcessBuilder", "java.lang.Process",
      "java.lang.ProcessHandle", "java.lang.Thread", "java.lang.ThreadGroup",
      "java.lang.ThreadLocal", "java.lang.InheritableThreadLocal", "java.lang.ClassLoader",
      "java.lang.Class", "java.lang.Package", "java.lang.Module", "java.lang.ModuleLayer",
      "java.lang.StackWalker", "java.lang.SecurityManager", "java.lang.ScopedValue",
      "java.util.Timer", "java.util.TimerTask",
      "groovy.lang.GroovyShell", "groovy.lang.GroovyClassLoader", "groovy.lang.GroovySystem",
      "groovy.lang.Script", "groovy.lang.Binding", "groovy.lang.MetaClass",
      "groovy.lang.MetaClassImpl", "groovy.lang.ExpandoMetaClass", "groovy.lang.MetaClassRegistry",
      "groovy.lang.GroovyObject", "groovy.lang.GroovyObjectSupport", "groovy.lang.Grab",
      "groovy.lang.GrabConfig", "groovy.lang.Grapes", "groovy.lang.GrabResolver",
      "groovy.util.Eval", "groovy.util.GroovyScriptEngine", "groovy.util.ObjectGraphBuilder",
      "groovy.util.Expando", "groovy.util.Proxy", "groovy.util.ProxyGenerator");

  /** Calls that reach outside the catalog whatever the receiver's type. */
  private static final Set<String> DENIED_METHODS = Set.of(
      "execute", "executeAsync", "getClass", "getMetaClass", "setMetaClass", "getClassLoader",
      "forName", "newInstance", "invokeMethod", "getDeclaredMethod", "getDeclaredMethods",
      "getDeclaredField", "getDeclaredFields", "getDeclaredConstructor",
      "getDeclaredConstructors", "getMethod", "getMethods", "getField", "getFields",
      "getConstructor", "getConstructors", "loadClass", "defineClass", "evaluate", "exit",
      "halt", "load", "loadLibrary", "sleep", "wait", "notify", "notifyAll", "mixin",
      "getBinding", "setBinding", "toURL", "getProperties", "setProperty", "getProperty",
      "getMetaPropertyValues", "metaClass", "getAt", "putAt", "withTraits", "asType",
      "getStaticMetaClass", "addShutdownHook", "getInteger", "getLong", "getBoolean", "dump", "use",
      "getOwner", "getDelegate", "getThisObject", "setDelegate", "rehydrate", "dehydrate",
      // They hand work to other threads (the common fork-join pool).
      "parallelStream", "parallel");

  /** Calls that write to the master's standard output, except on a template's own output. */
  private static final Set<String> OUTPUT_METHODS = Set.of("print", "println", "printf");

  /** Properties that lead to classes, metaclasses or the script's binding. */
  private static final Set<String> DENIED_PROPERTIES = Set.of(
      "class", "metaClass", "classLoader", "binding", "properties", "declaredMethods",
      "declaredFields", "declaredConstructors", "methods", "fields", "constructors",
      "protectionDomain", "metaPropertyValues", "staticMetaClass");

  /**
   * What a class of Stead code may extend and implement: Object, and nothing else. Allowed,
   * not denied: a super type the sandbox did not think of (a TimerTask, a Runnable) would let
   * something outside the compile call the class's code, on another thread or after the
   * time limit.
   */
  private static final Set<String> ALLOWED_SUPERCLASSES = Set.of("java.lang.Object");
  private static final Set<String> ALLOWED_INTERFACES = Set.of();

  /** Annotations Stead code may carry: the rest run code at compile time or change semantics. */
  private static final Set<String> ALLOWED_ANNOTATIONS = Set.of(
      "Field", "groovy.transform.Field", "Override", "java.lang.Override");

  private SandboxPolicy() {}

  /** Why {@code className} is refused, or empty when code may name it. */
  static Optional<String> refuseClass(String className) {
    if (DENIED_CLASSES.contains(className)) {
      return Optional.of("use of " + className + " is not allowed in Stead code");
    }
    for (String prefix : DENIED_PACKAGES) {
      if (className.startsWith(prefix)) {
        return Optional.of("use of " + className + " is not allowed in Stead code (package "
            + prefix.replaceAll("\\.$", "") + " is off limits)");
      }
    }
    return Optional.empty();
  }

  static boolean allowedSuperclass(String className) {
    return ALLOWED_SUPERCLASSES.contains(className);
  }

  static boolean allowedInterface(String className) {
    return ALLOWED_INTERFACES.contains(className);
  }

  static boolean deniedMethod(String name) {
    return DENIED_METHODS.contains(name);
  }

  static boolean outputMethod(String name) {
    return OUTPUT_METHODS.contains(name);
  }

  static boolean deniedProperty(String name) {
    return DENIED_PROPERTIES.contains(name);
  }

  static boolean allowedAnnotation(String name) {
    return ALLOWED_ANNOTATIONS.contains(name);
  }
}
