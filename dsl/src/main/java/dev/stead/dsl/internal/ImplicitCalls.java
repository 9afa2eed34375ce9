package dev.stead.dsl.internal;

import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.SourceLocation;
import groovy.lang.Closure;
import groovy.lang.GroovySystem;
import groovy.lang.MetaClass;
import groovy.lang.MetaMethod;
import groovy.lang.MetaProperty;
import groovy.lang.GString;
import groovy.lang.GroovyRuntimeException;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.runtime.metaclass.MissingPropertyExceptionNoStack;

/**
 * Dispatches a call without a receiver made inside a closure ({@code ensure 'file'} in a
 * resource body, {@code file('/x') { }} in a class body) the way Groovy's closure metaclass
 * does, taking a short cut for the two cases that make up most of the DSL.
 *
 * <p>Groovy looks for a method of that name on the closure, then on its delegate and owner
 * in the order of the resolve strategy, then for a callable property, a script's binding
 * variable, and finally calls {@code methodMissing}. For a name that is no method and no
 * property of {@link Closure}, of {@link ResourceBody} or of the script's class (checked once
 * per class and name against their metaclasses), every one of those steps misses, so:
 * <ul>
 *   <li>in a resource body (delegate first, delegate a ResourceBody) the call ends in
 *       {@link ResourceBody#methodMissing}, and only if that throws MissingMethodException
 *       does Groovy go on to the owner;
 *   <li>in closures that resolve owner first with the delegate left as the owner, the call
 *       goes up the owners, and at the script ends in {@link SteadScript#methodMissing} unless
 *       the binding holds a closure of that name.
 * </ul>
 * Those are called directly, and so are {@code requires}, {@code before}, {@code notifies}
 * and {@code subscribes} in a resource body, which Groovy finds as methods of the delegate,
 * and a template's output calls in its blocks, which Groovy finds on the template's script.
 * A declaration or relationship made this way records the line its call starts on, passed
 * in from the compiled code, instead of walking the stack for the line of the call
 * instruction (the same line unless the call's arguments span lines, where the walk gave the
 * line of the last call among them).
 * Anything else goes through {@link InvokerHelper}, which is
 * Groovy's own dispatch of the same call. No sandbox check is skipped: calls without a
 * receiver are checked by name at compile time only, before and after this change.
 */
final class ImplicitCalls {
  /** Member names per class, from the class's metaclass: methods (with GDK ones), properties. */
  private static final ClassValue<Set<String>> MEMBERS = new ClassValue<>() {
    @Override
    protected Set<String> computeValue(Class<?> type) {
      MetaClass mc = GroovySystem.getMetaClassRegistry().getMetaClass(type);
      Set<String> names = new HashSet<>();
      for (MetaMethod m : mc.getMethods()) {
        names.add(m.getName());
      }
      for (MetaMethod m : mc.getMetaMethods()) {
        names.add(m.getName());
      }
      for (MetaProperty p : mc.getProperties()) {
        names.add(p.getName());
      }
      return Set.copyOf(names);
    }
  };

  /** Whether every method named include of a script class is SteadScript's own. */
  private static final ClassValue<Boolean> ONLY_STEAD_INCLUDE = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return onlyDeclaredBy(type, Set.of("include"), SteadScript.class);
    }
  };

  /** TemplateScript's output methods, which a template's compiled code calls. */
  private static final Set<String> TEMPLATE_OUTPUT = Set.of("__lit", "__emit");

  /**
   * Whether every method named {@code __lit} or {@code __emit} of a template's script class is
   * TemplateScript's own (a template could declare its own in a tag).
   */
  private static final ClassValue<Boolean> ONLY_TEMPLATE_OUTPUT = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return onlyDeclaredBy(type, TEMPLATE_OUTPUT, TemplateScript.class);
    }
  };

  /** Whether each method of {@code type} with one of {@code names} is {@code owner}'s own. */
  private static boolean onlyDeclaredBy(Class<?> type, Set<String> names, Class<?> owner) {
    MetaClass mc = GroovySystem.getMetaClassRegistry().getMetaClass(type);
    for (MetaMethod m : mc.getMethods()) {
      if (names.contains(m.getName()) && m.getDeclaringClass().getTheClass() != owner) {
        return false;
      }
    }
    for (MetaMethod m : mc.getMetaMethods()) {
      if (names.contains(m.getName())) {
        return false;
      }
    }
    return true;
  }

  private ImplicitCalls() {}

  /** Relationship calls of a resource body: methods of {@link ResourceBody}. */
  private static final java.util.Map<String, EdgeKind> RELATIONS = java.util.Map.of(
      "requires", EdgeKind.REQUIRES, "before", EdgeKind.BEFORE,
      "notifies", EdgeKind.NOTIFIES, "subscribes", EdgeKind.SUBSCRIBES);

  /**
   * {@code name(args)} made in closure {@code self}, starting at {@code line} of the compiled
   * file {@code file}: a declaration or relationship made here records that line.
   */
  static Object call(Object self, String name, Object[] args, String file, int line) {
    if (self instanceof Closure<?> closure && !MEMBERS.get(Closure.class).contains(name)) {
      Closure<?> current = closure;
      while (true) {
        Object delegate = current.getDelegate();
        Object owner = current.getOwner();
        int strategy = current.getResolveStrategy();
        if (strategy == Closure.DELEGATE_FIRST && delegate instanceof ResourceBody body
            && owner != current) {
          EdgeKind kind = RELATIONS.get(name);
          if (kind != null) {
            // Groovy finds the method on the delegate and calls it; its varargs take args.
            SourceLocation here = site(file, line);
            if (here == null) {
              break;
            }
            body.relate(kind, args, here);
            return null;
          }
          if (!MEMBERS.get(ResourceBody.class).contains(name)) {
            return onBody(body, owner, name, args);
          }
          break;
        }
        if (strategy != Closure.OWNER_FIRST || delegate != owner || owner == current) {
          break;
        }
        if (owner instanceof Closure<?> outer) {
          current = outer;
          continue;
        }
        if (owner instanceof TemplateScript template && TEMPLATE_OUTPUT.contains(name)
            && ONLY_TEMPLATE_OUTPUT.get(template.getClass())) {
          // A template's text and tag values written inside a block (`servers.each { %>`):
          // Groovy finds TemplateScript's method on the owner; the same call, without the
          // closure metaclass's search for it on every line of output.
          if (name.equals("__lit") && args.length == 1 && args[0] instanceof String text) {
            template.__lit(text);
            return null;
          }
          if (name.equals("__emit") && args.length == 2 && args[0] instanceof Integer tag) {
            template.__emit(tag, args[1]);
            return null;
          }
          break;
        }
        if (owner instanceof SteadScript script && name.equals("include") && args.length == 1
            && (args[0] instanceof String || args[0] instanceof GString)
            && ONLY_STEAD_INCLUDE.get(script.getClass())) {
          // Groovy finds SteadScript.include(String) on the owner (a GString coerced to its
          // text); the same call, with the line.
          Evaluation evaluation = Evaluation.current();
          evaluation.include(args[0].toString(), Map.of(), evaluation.site(file, line));
          return null;
        }
        if (owner instanceof SteadScript script && !MEMBERS.get(script.getClass()).contains(name)
            && !(script.getBinding().getVariables().get(name) instanceof Closure)) {
          // What SteadScript.methodMissing does, with the call's own line.
          Evaluation evaluation = Evaluation.current();
          return evaluation.unqualifiedCall(script, name, args, evaluation.site(file, line));
        }
        break;
      }
    }
    return InvokerHelper.invokeMethod(self, name, args);
  }

  /**
   * A name read in closure {@code self} that no declaration binds, as {@link Closure#getProperty}
   * reads it. In a resource body (delegate first, delegate a ResourceBody) a name that is no
   * property of Closure or ResourceBody is missing on the body, so Groovy reads it from the
   * owner and, if that fails too, throws the body's MissingPropertyException: done here
   * without asking the body's metaclass to fail first.
   */
  static Object property(Object self, String name) {
    if (self instanceof Closure<?> closure && closure.getResolveStrategy() == Closure.DELEGATE_FIRST
        && closure.getDelegate() instanceof ResourceBody body
        && !MEMBERS.get(Closure.class).contains(name)
        && !MEMBERS.get(ResourceBody.class).contains(name)) {
      Object owner = closure.getOwner();
      if (owner != null && owner != body) {
        try {
          return InvokerHelper.getProperty(owner, name);
        } catch (GroovyRuntimeException fromOwner) {
          if (body.hasParameter(name)) {
            // `groups ['wheel']` parses as groups['wheel']: a read of groups, indexed.
            throw new Evaluation.Misuse("'" + name + "' is a parameter of " + body.key()
                + " but is read here as a value: `" + name + " [...]` means " + name
                + "[...], an index into " + name + ". Set a list with parentheses: " + name
                + "(['a', 'b']), or write " + name + " = ['a', 'b']");
          }
          MissingPropertyException missing =
              new MissingPropertyExceptionNoStack(name, ResourceBody.class);
          missing.addSuppressed(fromOwner);
          throw missing;
        }
      }
    }
    return InvokerHelper.getProperty(self, name);
  }

  private static SourceLocation site(String file, int line) {
    return Evaluation.current().site(file, line);
  }

  /** As Groovy's closure metaclass: the delegate, then on a missing method the owner. */
  private static Object onBody(ResourceBody body, Object owner, String name, Object[] args) {
    try {
      return body.methodMissing(name, args);
    } catch (MissingMethodException first) {
      try {
        return InvokerHelper.invokeMethod(owner, name, args);
      } catch (MissingMethodException second) {
        first.addSuppressed(second);
        throw first;
      }
    }
  }
}
