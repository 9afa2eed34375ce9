package dev.stead.dsl.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassHelper;
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
 *
 * <p>Defined types get the same rewrite, and their body a leading {@code String title}
 * parameter: {@code define('vhost') { int port = 80 -> }} becomes
 * {@code define('vhost', [port: { 80 }]) { String title, int port -> }}. The names of
 * defined types declared with a constant name are recorded per source file, so a module
 * can be loaded when one of its types is first used.
 */
final class KlassParameterRewriter extends CompilationCustomizer {
  private final Map<String, Set<String>> definedTypes = new ConcurrentHashMap<>();

  KlassParameterRewriter() {
    super(CompilePhase.CONVERSION);
  }

  /** Defined type names declared in the source compiled under {@code sourceName}. */
  Set<String> definedTypesOf(String sourceName) {
    return definedTypes.getOrDefault(sourceName, Set.of());
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
        String method = call.getMethodAsString();
        if (call.isImplicitThis() && ("klass".equals(method) || "define".equals(method))
            && call.getArguments() instanceof ArgumentListExpression args
            && args.getExpressions().size() == 2
            && args.getExpression(1) instanceof ClosureExpression body) {
          args.getExpressions().add(1, defaults(body, "define".equals(method)));
          if ("define".equals(method)) {
            args.getExpressions().set(2, withTitle(body));
            if (args.getExpression(0) instanceof ConstantExpression name
                && name.getValue() instanceof String n) {
              definedTypes.computeIfAbsent(source.getName(), k -> new TreeSet<>()).add(n);
            }
          }
        }
      }
    }.visitClass(classNode);
  }

  private static ClosureExpression withTitle(ClosureExpression body) {
    Parameter[] params = body.getParameters();
    int n = params == null ? 0 : params.length;
    Parameter[] out = new Parameter[n + 1];
    out[0] = new Parameter(ClassHelper.STRING_TYPE, "title");
    if (n > 0) {
      System.arraycopy(params, 0, out, 1, n);
    }
    ClosureExpression replaced = new ClosureExpression(out, body.getCode());
    replaced.setSourcePosition(body);
    return replaced;
  }

  /** Defaults of a defined type are closures of the title, so they may use it. */
  private static MapExpression defaults(ClosureExpression body, boolean takesTitle) {
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
        ClosureExpression thunk = new ClosureExpression(takesTitle
            ? new Parameter[] {new Parameter(ClassHelper.STRING_TYPE, "title")}
            : Parameter.EMPTY_ARRAY, statement);
        thunk.setSourcePosition(init);
        value = thunk;
        p.setInitialExpression(null);
      }
      out.addMapEntryExpression(new ConstantExpression(p.getName()), value);
    }
    return out;
  }
}
