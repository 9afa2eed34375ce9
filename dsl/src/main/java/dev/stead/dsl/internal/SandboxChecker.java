package dev.stead.dsl.internal;

import java.util.Optional;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.ImportNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.CastExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
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
 * would dodge the name checks). Each refusal is a compile error at its line; all of them are
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
    }
    for (ClassNode iface : classNode.getInterfaces()) {
      visitor.checkType(iface, classNode);
    }
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
      } else if (SandboxPolicy.deniedMethod(name)) {
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
  }
}
