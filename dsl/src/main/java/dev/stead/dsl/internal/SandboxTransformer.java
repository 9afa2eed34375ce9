package dev.stead.dsl.internal;

import java.util.List;
import java.util.Set;
import org.codehaus.groovy.ast.ClassCodeExpressionTransformer;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ArrayExpression;
import org.codehaus.groovy.ast.expr.AttributeExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.BooleanExpression;
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
import org.codehaus.groovy.ast.expr.NotExpression;
import org.codehaus.groovy.ast.expr.PostfixExpression;
import org.codehaus.groovy.ast.expr.PrefixExpression;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.SpreadExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.AssertStatement;
import org.codehaus.groovy.ast.stmt.CaseStatement;
import org.codehaus.groovy.classgen.BytecodeExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.SyntaxException;
import org.codehaus.groovy.syntax.Token;
import org.codehaus.groovy.syntax.Types;
import groovyjarjarasm.asm.MethodVisitor;
import groovyjarjarasm.asm.Opcodes;

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
 *   <li>{@code - -= in !in =~ ==~} and {@code case} values into calls that run regular
 *       expressions bounded ({@link BoundedRegex});
 *   <li>{@code "...${v}..."} into {@code gstring(...)}, which bounds its size.
 * </ul>
 * Calls without a receiver ({@code file('/x') { }}, {@code include 'x'}) are not checked at
 * run time: they reach the script, the DSL's bodies or a closure's delegate, and their names
 * are checked at compile time by {@link SandboxChecker}. Inside closures they become
 * {@code SandboxRuntime.implicitCall(closure, 'name', [a])}, which dispatches them as Groovy
 * would (see {@link ImplicitCalls}); elsewhere they stay as they are. Every rewritten call is
 * compiled as a direct static call. Compound assignment to a property or an
 * element ({@code x.a += 1}) is refused at compile time: it would read and write unchecked.
 * Code the compiler generated (no line number) is left alone. Runs after SandboxChecker in
 * the same phase, so it never sees code the checker refused.
 */
final class SandboxTransformer extends CompilationCustomizer {
  private static final ClassNode RUNTIME = ClassHelper.make(SandboxRuntime.class);
  private static final Set<Integer> COMPOUND_REWRITTEN = Set.of(
      Types.PLUS_EQUAL, Types.MULTIPLY_EQUAL, Types.POWER_EQUAL, Types.LEFT_SHIFT_EQUAL,
      Types.MINUS_EQUAL);

  SandboxTransformer() {
    super(CompilePhase.CANONICALIZATION);
  }

  @Override
  public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
    new Rewriter(source).visitClass(classNode);
  }

  /** The runtime's entry points as method nodes, for direct calls. */
  private static final class RuntimeTargets {
    private static final java.util.Map<String, MethodNode> BY_NAME = new java.util.HashMap<>();

    static {
      for (MethodNode m : RUNTIME.getMethods()) {
        if (m.isPublic() && m.isStatic() && BY_NAME.put(m.getName(), m) != null) {
          throw new IllegalStateException("SandboxRuntime." + m.getName() + " is overloaded");
        }
      }
    }

    static MethodNode of(String name, int arity) {
      MethodNode m = BY_NAME.get(name);
      if (m == null || m.getParameters().length != arity) {
        throw new IllegalStateException("no SandboxRuntime." + name + " of " + arity + " arguments");
      }
      return m;
    }
  }

  /**
   * The closure whose code is running: local slot 0 of a closure's doCall. Groovy's AST has
   * no expression for it ({@code this} in a closure is the enclosing object), and an
   * implicit call in a closure is dispatched on the closure itself.
   */
  private static final class ClosureSelf extends BytecodeExpression {
    ClosureSelf() {
      super(ClassHelper.OBJECT_TYPE);
    }

    @Override
    public void visit(MethodVisitor mv) {
      mv.visitVarInsn(Opcodes.ALOAD, 0);
    }
  }

  private static final class Rewriter extends ClassCodeExpressionTransformer {
    private final SourceUnit source;
    /** How many closures the code being rewritten is nested in; 0 in methods and scripts. */
    private int closureDepth;
    /** The method or constructor being rewritten; null in field initialisers. */
    private MethodNode method;

    Rewriter(SourceUnit source) {
      this.source = source;
    }

    @Override
    protected SourceUnit getSourceUnit() {
      return source;
    }

    @Override
    protected void visitConstructorOrMethod(MethodNode node, boolean isConstructor) {
      MethodNode outer = method;
      method = node;
      try {
        super.visitConstructorOrMethod(node, isConstructor);
      } finally {
        method = outer;
      }
    }

    @Override
    public Expression transform(Expression e) {
      if (e == null) {
        return null;
      }
      if (e instanceof ClosureExpression closure && closure.getNodeMetaData(LiteralBody.class) != null
          && (closureDepth > 0 || method != null && !method.isStatic())) {
        return literalBody(closure);
      }
      if (e instanceof ClosureExpression closure) {
        if (closure.isParameterSpecified()) {
          // Parameter defaults keep Groovy's own dispatch (no implicit-call rewrite): rare, and
          // not worth reasoning about which method of the closure class they end up in.
          int depth = closureDepth;
          closureDepth = 0;
          for (org.codehaus.groovy.ast.Parameter p : closure.getParameters()) {
            if (p.hasInitialExpression()) {
              p.setInitialExpression(transform(p.getInitialExpression()));
            }
          }
          closureDepth = depth;
        }
        closureDepth++;
        try {
          closure.getCode().visit(this);
        } finally {
          closureDepth--;
        }
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
      if (e instanceof VariableExpression v && closureDepth > 0
          && v.getAccessedVariable() instanceof DynamicVariable) {
        // A name read in a closure that no declaration binds (facts, a binding variable):
        // Groovy reads it as a property of the closure. Assignment targets never get here.
        return runtime("implicitProperty", new ClosureSelf(), new ConstantExpression(v.getName()));
      }
      if ((e instanceof PostfixExpression post && post.getExpression() instanceof VariableExpression)
          || (e instanceof PrefixExpression pre && pre.getExpression() instanceof VariableExpression)) {
        return e; // x++ writes x: it stays a variable
      }
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
      if (call.isImplicitThis() && call.getArguments() instanceof ArgumentListExpression args
          && !args.getExpressions().isEmpty()
          && args.getExpressions().get(args.getExpressions().size() - 1)
              instanceof ClosureExpression body
          && isLiteralBody(body)) {
        // Rewritten when the arguments are: see transform.
        body.putNodeMetaData(LiteralBody.class, Boolean.TRUE);
      }
      if (call.isImplicitThis() && closureDepth > 0 && !call.isSpreadSafe() && !call.isSafe()
          && object instanceof VariableExpression self && self.isThisExpression()) {
        // An implicit call in a closure (ensure 'file', file('/x') { }): dispatched on the
        // closure as Groovy does, through a direct call instead of a cold call site.
        // The file and the line the call starts on travel with it: where a declaration or a
        // relationship records its source, without walking the stack for it.
        return runtime("implicitCall", new ClosureSelf(), name(call.getMethod()),
            arguments(call.getArguments()), new ConstantExpression(source.getName()),
            new ConstantExpression(call.getLineNumber(), true));
      }
      if (call.isImplicitThis() || object instanceof VariableExpression v && v.isSuperExpression()) {
        return call.transformExpression(this);
      }
      return runtime("call", transform(object), name(call.getMethod()),
          mode(call.isSafe(), call.isSpreadSafe()), arguments(call.getArguments()));
    }

    /**
     * Whether a closure is only statements {@code name literal} without a receiver (a body
     * like {@code { ensure 'file'; mode '0644' }}): its compiled code would do nothing but
     * {@code implicitCall} each of them in order, which {@link LiteralBody} does without a
     * class per closure. A closure that names its parameters, refers to anything, or has any
     * other statement stays a closure.
     */
    private static boolean isLiteralBody(ClosureExpression closure) {
      if (closure.isParameterSpecified()
          || !(closure.getCode() instanceof org.codehaus.groovy.ast.stmt.BlockStatement block)) {
        return false;
      }
      for (org.codehaus.groovy.ast.stmt.Statement s : block.getStatements()) {
        if (!(s instanceof org.codehaus.groovy.ast.stmt.ExpressionStatement statement)
            || (s.getStatementLabels() != null && !s.getStatementLabels().isEmpty())
            || !(statement.getExpression() instanceof MethodCallExpression call)
            || !call.isImplicitThis() || call.isSafe() || call.isSpreadSafe()
            || call.getGenericsTypes() != null || call.getLineNumber() < 1
            || !(call.getObjectExpression() instanceof VariableExpression self)
            || !self.isThisExpression()
            || !(call.getMethod() instanceof ConstantExpression name)
            || !(name.getValue() instanceof String)
            || !(call.getArguments() instanceof ArgumentListExpression args)
            || args.getExpressions().size() != 1
            || args.getExpression(0).getClass() != ConstantExpression.class) {
          return false;
        }
      }
      return true;
    }

    /** {@code SandboxRuntime.literalBody(self, names, values, file, lines)} for the closure. */
    private Expression literalBody(ClosureExpression closure) {
      List<Expression> names = new java.util.ArrayList<>();
      List<Expression> values = new java.util.ArrayList<>();
      List<Expression> lines = new java.util.ArrayList<>();
      for (org.codehaus.groovy.ast.stmt.Statement s :
          ((org.codehaus.groovy.ast.stmt.BlockStatement) closure.getCode()).getStatements()) {
        MethodCallExpression call =
            (MethodCallExpression) ((org.codehaus.groovy.ast.stmt.ExpressionStatement) s)
                .getExpression();
        names.add(new ConstantExpression(call.getMethodAsString()));
        values.add(((ArgumentListExpression) call.getArguments()).getExpression(0));
        lines.add(new ConstantExpression(call.getLineNumber(), true));
      }
      Expression body = runtime("literalBody", new ClosureSelf(),
          new ArrayExpression(ClassHelper.STRING_TYPE, names),
          new ArrayExpression(ClassHelper.OBJECT_TYPE, values),
          new ConstantExpression(source.getName()),
          new ArrayExpression(ClassHelper.int_TYPE, lines));
      body.setSourcePosition(closure);
      return body;
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
          case Types.MINUS_EQUAL -> "minus";
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
        // A constant cannot be a pattern: i - 1 keeps Groovy's own arithmetic.
        case Types.MINUS -> b.getRightExpression() instanceof ConstantExpression ? null : "minus";
        default -> null;
      };
      if (op == Types.KEYWORD_IN || op == Types.COMPARE_NOT_IN) {
        // x in y is y.isCase(x): with a pattern y, a regex match.
        Expression isCase = runtime("isCase", transform(b.getRightExpression()), transform(left));
        return op == Types.KEYWORD_IN ? isCase : new NotExpression(isCase);
      }
      if (method == null) {
        if (Types.ofType(op, Types.ASSIGNMENT_OPERATOR)
            && (left instanceof VariableExpression || left instanceof TupleExpression)) {
          // The target of an assignment stays a variable; only the value is rewritten.
          BinaryExpression assignment = new BinaryExpression(left, b.getOperation(),
              transform(b.getRightExpression()), b.isSafe());
          assignment.setSourcePosition(b);
          assignment.copyNodeMetaData(b);
          return assignment;
        }
        return b.transformExpression(this);
      }
      return runtime(method, transform(left), transform(b.getRightExpression()));
    }

    /**
     * A {@code case} value goes through {@code SandboxRuntime.caseValue}: Groovy matches the
     * switch value with the case value's isCase, which for a pattern would run unbounded.
     */
    @Override
    public void visitCaseStatement(CaseStatement statement) {
      super.visitCaseStatement(statement);
      Expression value = statement.getExpression();
      if (value.getLineNumber() > 0) {
        Expression wrapped = runtime("caseValue", value);
        wrapped.setSourcePosition(value);
        statement.setExpression(wrapped);
      }
    }

    /**
     * {@code assert c : m} becomes {@code assert SandboxRuntime.check(c, text, m)}, which
     * throws the AssertionError itself: Groovy's own failure message renders the text of the
     * expression's values, which for a large list is gigabytes in one call.
     */
    @Override
    public void visitAssertStatement(AssertStatement statement) {
      super.visitAssertStatement(statement);
      BooleanExpression condition = statement.getBooleanExpression();
      // The message is now computed before the check, not only when it fails.
      Expression message = statement.getMessageExpression();
      Expression check = runtime("check", condition.getExpression(),
          new ConstantExpression(condition.getText()),
          message instanceof ConstantExpression c && c.isNullExpression()
              ? new ConstantExpression(null) : message);
      check.setSourcePosition(condition);
      BooleanExpression checked = new BooleanExpression(check);
      checked.setSourcePosition(condition);
      statement.setBooleanExpression(checked);
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
      if (method instanceof ConstantExpression c && c.getValue() instanceof String text) {
        return new ConstantExpression(text); // typed String: no cast call site in front of it
      }
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

    /**
     * A call of {@code SandboxRuntime.method(args)} compiled as a plain invokestatic. As a
     * StaticMethodCallExpression, dynamic Groovy would compile it to an invokedynamic call
     * site of its own, linked and run cold in every class of user code: at R=1000 most of a
     * compile's dispatch cost. The target is fixed (one public static method per name), so
     * the direct call runs exactly the method the dynamic one would have picked.
     */
    private static Expression runtime(String method, Expression... args) {
      MethodCallExpression call = new MethodCallExpression(new ClassExpression(RUNTIME), method,
          new ArgumentListExpression(args));
      call.setImplicitThis(false);
      call.setMethodTarget(RuntimeTargets.of(method, args.length));
      return call;
    }

    private void refuse(String message, Expression where) {
      source.getErrorCollector().addErrorAndContinue(new SyntaxException(
          "sandbox: " + message, where.getLineNumber(), where.getColumnNumber()), source);
    }
  }
}
