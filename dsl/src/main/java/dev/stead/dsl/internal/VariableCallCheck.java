package dev.stead.dsl.internal;

import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.Variable;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Refuses {@code port 8081} where {@code port} is a variable in scope (a class or defined
 * type parameter, a local) whose declared type cannot be called: Groovy reads it as
 * {@code port.call(8081)}, which fails at run time with an unhelpful "no method call()". It
 * is what a newcomer writes to set a parameter of a defined type from inside a class that has
 * a parameter of the same name. Variables declared without a type ({@code def}) may hold a
 * closure and are left alone.
 */
final class VariableCallCheck extends CompilationCustomizer {
  VariableCallCheck() {
    super(CompilePhase.CANONICALIZATION);
  }

  @Override
  public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
    new ClassCodeVisitorSupport() {
      @Override
      protected SourceUnit getSourceUnit() {
        return source;
      }

      @Override
      public void visitMethodCallExpression(MethodCallExpression call) {
        // Groovy's scope visitor turned `name(args)` into `name.call(args)`, keeping the
        // name's position for the method: `name.call(args)` as written has them apart.
        if ("call".equals(call.getMethodAsString())
            && call.getObjectExpression() instanceof VariableExpression v
            && v.getLineNumber() > 0
            && v.getLineNumber() == call.getMethod().getLineNumber()
            && v.getColumnNumber() == call.getMethod().getColumnNumber()
            && notCallable(v.getAccessedVariable())) {
          Variable declared = v.getAccessedVariable();
          String name = v.getName();
          source.getErrorCollector().addErrorAndContinue(new SyntaxException("'" + name
              + "' is a variable here (" + declared.getOriginType().getNameWithoutPackage()
              + ": a parameter of the enclosing class or defined type, or a local), so `"
              + name + " <value>` tries to call it. To set the parameter " + name + " of what"
              + " you declare here, pass it in the declaration, e.g. vhost('shop', " + name
              + ": 8081), or rename the variable", call.getLineNumber(),
              call.getColumnNumber()), source);
        }
        super.visitMethodCallExpression(call);
      }
    }.visitClass(classNode);
  }

  private static boolean notCallable(Variable variable) {
    if (variable == null || variable.isDynamicTyped()) {
      return false;
    }
    ClassNode type = variable.getOriginType();
    return type != null && !type.equals(ClassHelper.OBJECT_TYPE)
        && !type.isDerivedFrom(ClassHelper.CLOSURE_TYPE) && !type.equals(ClassHelper.CLOSURE_TYPE);
  }
}
