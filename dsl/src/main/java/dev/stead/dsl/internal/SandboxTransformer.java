package dev.stead.dsl.internal;

import java.util.List;
import java.util.Set;
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.GStringExpression;
import org.codehaus.groovy.ast.expr.ListExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.NamedArgumentListExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.SpreadExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.SyntaxException;
import org.codehaus.groovy.syntax.Token;
import org.codehaus.groovy.syntax.Types;

/**
 * Routes user code through {@link SandboxRuntime}: rewrites, in every method and closure,
 * <ul>
 *   <li>{@code x.m(a)}, {@code x?.m(a)}, {@code x*.m(a)}, {@code x."$name"(a)} and static
 *       calls into {@code SandboxRuntime.call(x, 'm', mode, [a])};
 *   <li>{@code x.p}, {@code x?.p}, {@code x*.p} into {@code getProperty}, {@code x.p = v}
 *       into {@code setProperty};
 *   <li>{@code x[k]} and {@code x[k] = v} into {@code getAt}/{@code putAt};
 *   <li>{@code new T(a)} into {@code construct(T, [a])};
 *   <li>{@code + * ** <<} (and {@code += *= **= <<=} on variables) into size-checked calls;
 *   <li>{@code "...${v}..."} into {@code gstring(...)}, which bounds its size.
 * </ul>
 * Calls without a receiver ({@code file('/x') { }}, {@code include 'x'}) stay as they are:
 * they reach the script, the DSL's bodies or a closure's delegate, and their names are
 * checked at compile time by {@link SandboxChecker}. Compound assignment to a property or an
 * element ({@code x.a += 1}) is refused at compile time: it would read and write unchecked.
 * Code the compiler generated (no line number) is left alone. Runs after SandboxChecker in
 * the same phase, so it never sees code the checker refused.
 */
final class SandboxTransformer extends CompilationCustomizer {
  private static final ClassNode RUNTIME = ClassHelper.make(SandboxRuntime.class);
  private static final Set<Integer> COMPOUND_REWRITTEN = Set.of(
      Types.PLUS_EQUAL, Types.MULTIPLY_EQUAL, Types.POWER_EQUAL, Types.LEFT_SHIFT_EQUAL);

  SandboxTransformer() {
    super(CompilePhase.CANONICALIZATION);
  }

  @Override
  public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
    new Rewriter(source).visitClass(classNode);
  }

  private static final class Rewriter extends ClassCodeExpressionTransformer {
    private final SourceUnit source;

    Rewriter(SourceUnit source) {
      this.source = source;
    }

    @Override
    protected SourceUnit getSourceUnit() {
      return source;
    }

    @Override
    public Expression transform(Expression e) {
      if (e == null) {
        return null;
      }
      if (e instanceof ClosureExpression closure) {
        if (closure.isParameterSpecified()) {
          for (org.codehaus.groovy.ast.Parameter p : closure.getParameters()) {
            if (p.hasInitialExpression()) {
              p.setInitialExpression(transform(p.getInitialExpression()));
            }
          }
        }
        closure.getCode().visit(this);
        return closure;
      }
      if (e.getLineNumber() < 1 || e instanceof DeclarationExpression) {
        return e.transformExpression(this);
      }
      Expression out = rewrite(e);
      if (out != e) {
        out.setSourcePosition(e);
      }
      return out;
    }

    private Expression rewrite(Expression e) {
      if (e instanceof MethodCallExpression call) {
        return methodCall(call);
      }
      if (e instanceof StaticMethodCallExpression call) {
        return runtime("call", new ClassExpression(call.getOwnerType()),
            new ConstantExpression(call.getMethod()), mode(false, false),
            arguments(call.getArguments()));
      }
      if (e instanceof ConstructorCallExpression call) {
        if (call.isSpecialCall()) {
          return e.transformExpression(this);
        }
        if (call.isUsingAnonymousInnerClass()) {
          refuse("anonymous inner classes are not allowed in Stead code", e);
          return e;
        }
        return runtime("construct", new ClassExpression(call.getType()),
            arguments(call.getArguments()));
      }
      if (e instanceof AttributeExpression) {
        return e; // refused by SandboxChecker
      }
      if (e instanceof PropertyExpression p) {
        return runtime("getProperty", transform(p.getObjectExpression()),
            name(p.getProperty()), mode(p.isSafe(), p.isSpreadSafe()));
      }
      if (e instanceof BinaryExpression b) {
        return binary(b);
      }
      if (e instanceof GStringExpression g) {
        return runtime("gstring", g.transformExpression(this));
      }
      return e.transformExpression(this);
    }

    private Expression methodCall(MethodCallExpression call) {
      Expression object = call.getObjectExpression();
      if (call.isImplicitThis() || object instanceof VariableExpression v && v.isSuperExpression()) {
        return call.transformExpression(this);
      }
      return runtime("call", transform(object), name(call.getMethod()),
          mode(call.isSafe(), call.isSpreadSafe()), arguments(call.getArguments()));
    }

    private Expression binary(BinaryExpression b) {
      int op = b.getOperation().getType();
      Expression left = b.getLeftExpression();
      if (op == Types.ASSIGN && left instanceof PropertyExpression p
          && !(left instanceof AttributeExpression)) {
        if (p.isSpreadSafe()) {
          refuse("assigning through *. is not allowed in Stead code", b);
          return b;
        }
        return runtime("setProperty", transform(p.getObjectExpression()), name(p.getProperty()),
            transform(b.getRightExpression()));
      }
      if (op == Types.ASSIGN && left instanceof BinaryExpression s
          && s.getOperation().getType() == Types.LEFT_SQUARE_BRACKET) {
        return runtime("putAt", transform(s.getLeftExpression()),
            transform(s.getRightExpression()), transform(b.getRightExpression()));
      }
      if (Types.ofType(op, Types.ASSIGNMENT_OPERATOR) && op != Types.ASSIGN
          && !(left instanceof VariableExpression)) {
        refuse("compound assignment (" + b.getOperation().getText() + ") to a property or "
            + "element is not allowed in Stead code; write x.a = x.a + y", b);
        return b;
      }
      if (COMPOUND_REWRITTEN.contains(op)) {
        String method = switch (op) {
          case Types.PLUS_EQUAL -> "plus";
          case Types.MULTIPLY_EQUAL -> "multiply";
          case Types.POWER_EQUAL -> "power";
          default -> "leftShift";
        };
        Expression value = runtime(method, copy((VariableExpression) left),
            transform(b.getRightExpression()));
        value.setSourcePosition(b);
        return new BinaryExpression(left, Token.newSymbol(Types.ASSIGN,
            b.getOperation().getStartLine(), b.getOperation().getStartColumn()), value);
      }
      String method = switch (op) {
        case Types.LEFT_SQUARE_BRACKET -> "getAt";
        case Types.PLUS -> "plus";
        case Types.MULTIPLY -> "multiply";
        case Types.POWER -> "power";
        case Types.LEFT_SHIFT -> "leftShift";
        case Types.FIND_REGEX -> "findRegex";
        case Types.MATCH_REGEX -> "matchRegex";
        default -> null;
      };
      if (method == null) {
        return b.transformExpression(this);
      }
      return runtime(method, transform(left), transform(b.getRightExpression()));
    }

    /** The same variable, as a second node: an AST node must not sit at two places. */
    private static VariableExpression copy(VariableExpression v) {
      VariableExpression copy = new VariableExpression(v.getName(), v.getOriginType());
      copy.setAccessedVariable(v.getAccessedVariable());
      copy.setClosureSharedVariable(v.isClosureSharedVariable());
      copy.setUseReferenceDirectly(v.isUseReferenceDirectly());
      copy.setSourcePosition(v);
      return copy;
    }

    /** The method name as a String expression; a computed name is checked when it is known. */
    private Expression name(Expression method) {
      if (method instanceof ConstantExpression) {
        return method;
      }
      return new MethodCallExpression(transform(method), "toString",
          ArgumentListExpression.EMPTY_ARGUMENTS);
    }

    private static Expression mode(boolean safe, boolean spread) {
      return new ConstantExpression(spread ? SandboxRuntime.SPREAD
          : safe ? SandboxRuntime.SAFE : SandboxRuntime.PLAIN, true);
    }

    /** Call arguments as an Object[] (or a list, when they contain {@code *spread}). */
    private Expression arguments(Expression args) {
      List<Expression> list = args instanceof TupleExpression t ? t.getExpressions()
          : List.of(args);
      List<Expression> transformed = list.stream().map(this::transform)
          .map(a -> a instanceof NamedArgumentListExpression named
              ? new MapExpression(named.getMapEntryExpressions()) : a)
          .toList();
      if (transformed.stream().anyMatch(a -> a instanceof SpreadExpression)) {
        return new ListExpression(new java.util.ArrayList<>(transformed));
      }
      return new ArrayExpression(ClassHelper.OBJECT_TYPE, new java.util.ArrayList<>(transformed));
    }

    private static Expression runtime(String method, Expression... args) {
      return new StaticMethodCallExpression(RUNTIME, method, new ArgumentListExpression(args));
    }

    private void refuse(String message, Expression where) {
      source.getErrorCollector().addErrorAndContinue(new SyntaxException(
          "sandbox: " + message, where.getLineNumber(), where.getColumnNumber()), source);
    }
  }
}
