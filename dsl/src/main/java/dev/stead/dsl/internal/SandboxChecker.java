package dev.stead.dsl.internal;

import java.util.Optional;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.ImportNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.ASTNode;
import java.util.List;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.CastExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.SyntaxException;
import org.codehaus.groovy.syntax.Types;

/**
 * The compile-time half of the sandbox: after class names are resolved, refuses every
 * reference to a denied class (imports, class literals, constructors, casts, static calls,
 * super types), every call of a denied method name, every denied property, attribute access
 * ({@code .@}), method pointers, and method or property names computed at run time (which
 * would dodge the name checks). Classes of Stead code extend Object and implement no
 * interface, and no class declares {@code finalize()}: nothing outside the compile can be
 * made to call code of theirs (see {@code checkShape}). Each refusal is a compile error at its line; all of them are
 * collected. Code the compiler generated itself (line &lt; 1) is not checked.
 *
 * <p>It cannot see the run-time type of a receiver: a call with an innocent name on an
 * object obtained some other way is stopped at run time by {@link SandboxRuntime}, where
 * {@link SandboxTransformer} routes every call with a receiver. Calls without a receiver are
 * only checked here, by name.
 */
final class SandboxChecker extends CompilationCustomizer {
  SandboxChecker() {
    super(CompilePhase.CANONICALIZATION);
  }

  @Override
  public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
    Visitor visitor = new Visitor(source);
    ModuleNode module = classNode.getModule();
    if (module != null && !module.getClasses().isEmpty() && module.getClasses().get(0) == classNode) {
      visitor.checkImports(module);
    }
    if (!classNode.isScript()) {
      // A script's super class is the Stead base class the compiler set.
      visitor.checkType(classNode.getUnresolvedSuperClass(), classNode);
      visitor.checkShape(classNode);
    }
    for (ClassNode iface : classNode.getInterfaces()) {
      visitor.checkType(iface, classNode);
    }
    visitor.checkMethods(classNode);
    visitor.visitClass(classNode);
  }

  private static final class Visitor extends ClassCodeVisitorSupport {
    private final SourceUnit source;

    Visitor(SourceUnit source) {
      this.source = source;
    }

    @Override
    protected SourceUnit getSourceUnit() {
      return source;
    }

    void checkImports(ModuleNode module) {
      for (ImportNode i : module.getImports()) {
        checkType(i.getType(), i);
      }
      for (ImportNode i : module.getStaticImports().values()) {
        checkType(i.getType(), i);
      }
      for (ImportNode i : module.getStaticStarImports().values()) {
        checkType(i.getType(), i);
      }
      for (ImportNode i : module.getStarImports()) {
        String pkg = i.getPackageName();
        SandboxPolicy.refuseClass(pkg + "Anything")
            .ifPresent(m -> refuse("import of package " + pkg + "* is not allowed in Stead code", i));
      }
    }

    void checkType(ClassNode type, ASTNode where) {
      if (type == null) {
        return;
      }
      ClassNode t = type;
      while (t.isArray()) {
        t = t.getComponentType();
      }
      Optional<String> why = SandboxPolicy.refuseClass(t.getName());
      why.ifPresent(m -> refuse(m, where));
    }

    /**
     * A class of Stead code extends Object and implements nothing: any other super type is a
     * way to have the class's code called by something else, later or on another thread (a
     * TimerTask by its Timer's thread, a Runnable by whatever runs it, an Iterable or a
     * CharSequence by the code that writes the catalog after the time limit).
     */
    void checkShape(ClassNode type) {
      boolean trait = type.getAnnotations().stream()
          .anyMatch(a -> a.getClassNode().getName().equals("groovy.transform.Trait"));
      String kind = trait ? "trait" : type.isAnnotationDefinition() ? "annotation type"
          : type.isInterface() ? "interface" : type.isEnum() ? "enum"
          : type.isRecord() ? "record" : "class";
      if (trait || type.isEnum() || type.isRecord() || type.isAnnotationDefinition()) {
        refuse(kind + "s are not allowed in Stead code (" + kind + " "
            + type.getNameWithoutPackage() + "): write a class, or use strings and maps", type);
        return;
      }
      String superClass = type.getSuperClass().getName();
      if (!type.isInterface() && !SandboxPolicy.allowedSuperclass(superClass)) {
        refuse(kind + " " + type.getNameWithoutPackage() + " may not extend " + superClass
            + ": classes in Stead code extend only Object", type);
      }
      for (ClassNode i : type.getInterfaces()) {
        if (!SandboxPolicy.allowedInterface(i.getName())) {
          refuse(kind + " " + type.getNameWithoutPackage() + " may not "
              + (type.isInterface() ? "extend " : "implement ") + i.getName()
              + ": classes in Stead code implement no interfaces", type);
        }
      }
    }

    /** The JVM calls finalize() on its own thread, whenever it collects the object. */
    void checkMethods(ClassNode type) {
      for (MethodNode m : type.getMethods()) {
        if (m.getName().equals("finalize")) {
          refuse("finalize() would run on the JVM's finalizer thread, outside the compile's "
              + "limits; it is not allowed in Stead code", m);
        }
      }
    }

    private void refuse(String message, ASTNode where) {
      if (where.getLineNumber() < 1) {
        return;
      }
      source.getErrorCollector().addErrorAndContinue(new SyntaxException(
          "sandbox: " + message, where.getLineNumber(), where.getColumnNumber()), source);
    }

    @Override
    public void visitClassExpression(ClassExpression e) {
      checkType(e.getType(), e);
      super.visitClassExpression(e);
    }

    @Override
    public void visitConstructorCallExpression(ConstructorCallExpression e) {
      checkType(e.getType(), e);
      super.visitConstructorCallExpression(e);
    }

    @Override
    public void visitArrayExpression(ArrayExpression e) {
      // new T[n] allocates before anything could check n: only small constant sizes.
      if (e.getSizeExpression() != null) {
        double elements = 1;
        for (Expression size : e.getSizeExpression()) {
          elements *= size instanceof ConstantExpression c && c.getValue() instanceof Integer n
              ? n : Double.POSITIVE_INFINITY;
        }
        if (elements > SandboxRuntime.MAX_ELEMENTS) {
          refuse("new " + e.getElementType().getNameWithoutPackage() + "[n] with a size that is "
              + "not a constant of at most " + SandboxRuntime.MAX_ELEMENTS + " is not allowed in "
              + "Stead code; use a list", e);
        }
      }
      super.visitArrayExpression(e);
    }

    @Override
    public void visitCastExpression(CastExpression e) {
      checkType(e.getType(), e);
      super.visitCastExpression(e);
    }

    @Override
    public void visitStaticMethodCallExpression(StaticMethodCallExpression e) {
      checkType(e.getOwnerType(), e);
      if (SandboxPolicy.deniedMethod(e.getMethod())) {
        refuse("calling " + e.getMethod() + "() is not allowed in Stead code", e);
      }
      super.visitStaticMethodCallExpression(e);
    }

    @Override
    public void visitMethodCallExpression(MethodCallExpression e) {
      String name = e.getMethodAsString();
      if (name == null) {
        refuse("method names computed at run time are not allowed in Stead code", e);
      } else if (SandboxPolicy.deniedMethod(name) && !isNotifyResource(e)) {
        refuse("calling " + name + "() is not allowed in Stead code", e);
      } else if (e.isImplicitThis() && SandboxPolicy.outputMethod(name)) {
        refuse(name + "() would write to the master's output; Stead code has none", e);
      }
      super.visitMethodCallExpression(e);
    }

    @Override
    public void visitPropertyExpression(PropertyExpression e) {
      String name = e.getPropertyAsString();
      if (name == null) {
        refuse("property names computed at run time are not allowed in Stead code", e);
      } else if (SandboxPolicy.deniedProperty(name)) {
        refuse("reading '" + name + "' is not allowed in Stead code", e);
      }
      super.visitPropertyExpression(e);
    }

    @Override
    public void visitAttributeExpression(AttributeExpression e) {
      refuse("direct field access (.@) is not allowed in Stead code", e);
      super.visitAttributeExpression(e);
    }

    @Override
    public void visitMethodPointerExpression(MethodPointerExpression e) {
      refuse("method pointers and references are not allowed in Stead code", e);
      super.visitMethodPointerExpression(e);
    }

    @Override
    public void visitVariableExpression(VariableExpression e) {
      // Only names resolved dynamically (script properties) can reach the binding or metaclass.
      if (e.getAccessedVariable() instanceof DynamicVariable
          && SandboxPolicy.deniedProperty(e.getName())) {
        refuse("reading '" + e.getName() + "' is not allowed in Stead code", e);
      }
      super.visitVariableExpression(e);
    }

    @Override
    public void visitBinaryExpression(BinaryExpression e) {
      // x['class'] is a property read in disguise.
      if (e.getOperation().getType() == Types.LEFT_SQUARE_BRACKET
          && e.getRightExpression() instanceof ConstantExpression c
          && c.getValue() instanceof String s && SandboxPolicy.deniedProperty(s)) {
        refuse("reading '" + s + "' is not allowed in Stead code", e);
      }
      super.visitBinaryExpression(e);
    }

    /**
     * {@code notify('hello')} or {@code notify('x') { ... }} without a receiver: the notify
     * resource (SteadScript's overload). Object's notify() takes no argument, so no other
     * form of the name is let through.
     */
    private static boolean isNotifyResource(MethodCallExpression e) {
      if (!"notify".equals(e.getMethodAsString()) || !e.isImplicitThis()
          || !(e.getArguments() instanceof ArgumentListExpression args)) {
        return false;
      }
      List<Expression> list = args.getExpressions();
      boolean titleFirst = !list.isEmpty() && !(list.get(0) instanceof ClosureExpression)
          && !(list.get(0) instanceof MapExpression);
      return titleFirst && (list.size() == 1
          || list.size() == 2 && list.get(1) instanceof ClosureExpression);
    }
  }
}
