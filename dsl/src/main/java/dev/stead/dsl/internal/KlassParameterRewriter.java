package dev.stead.dsl.internal;

import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * Makes class parameters callable by name. Rewrites
 * {@code klass('n') { String a = 'x', int b -> body }} into
 * {@code klass('n', [a: { 'x' }, b: null]) { String a, int b -> body }}: the map keeps the
 * parameter names in order and each default as a closure, so {@code include 'n', b: 2} can
 * bind any subset of parameters (Groovy's own default-argument overloads only drop
 * parameters from the right). Defaults are evaluated lazily, only when not given.
 */
final class KlassParameterRewriter extends CompilationCustomizer {
  KlassParameterRewriter() {
    super(CompilePhase.CONVERSION);
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
        super.visitMethodCallExpression(call);
        if (call.isImplicitThis() && "klass".equals(call.getMethodAsString())
            && call.getArguments() instanceof ArgumentListExpression args
            && args.getExpressions().size() == 2
            && args.getExpression(1) instanceof ClosureExpression body) {
          args.getExpressions().add(1, defaults(body));
        }
      }
    }.visitClass(classNode);
  }

  private static MapExpression defaults(ClosureExpression body) {
    MapExpression out = new MapExpression();
    out.setSourcePosition(body);
    Parameter[] params = body.getParameters();
    if (params == null) {
      return out;
    }
    for (Parameter p : params) {
      Expression value = new ConstantExpression(null);
      if (p.hasInitialExpression()) {
        Expression init = p.getInitialExpression();
        ExpressionStatement statement = new ExpressionStatement(init);
        statement.setSourcePosition(init);
        ClosureExpression thunk = new ClosureExpression(Parameter.EMPTY_ARRAY, statement);
        thunk.setSourcePosition(init);
        value = thunk;
        p.setInitialExpression(null);
      }
      out.addMapEntryExpression(new ConstantExpression(p.getName()), value);
    }
    return out;
  }
}
