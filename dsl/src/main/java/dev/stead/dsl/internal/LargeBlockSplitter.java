package dev.stead.dsl.internal;

import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.VariableScope;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

/**
 * Keeps long runs of declarations under the JVM's 64 KB limit per method. A node block or a
 * file of generated code with a thousand or so {@code file(...)} lines is one Groovy method
 * (a closure's {@code doCall}, a script's {@code run}), and beyond ~1,000 calls javac-like
 * code generation fails with "Method too large". Long runs of plain call statements are
 * wrapped, {@value #CHUNK} at a time, in closures called in place:
 * {@code { file(a); file(b); ... }.call()}.
 *
 * <p>Only statements that are a method call and nothing else are moved: a call cannot
 * declare a variable, return or break, so wrapping it changes neither scoping nor control
 * flow, and a name inside it resolves as before (the chunk's owner is the block it came
 * from, whose closures and delegates Groovy tries next). Runs before the variable scopes are
 * computed (conversion), so captured local variables are handled by Groovy itself. Lines are
 * kept: the statements themselves are not rewritten.
 */
final class LargeBlockSplitter extends CompilationCustomizer {
  /** Statements per chunk: ~50 bytes of bytecode each, far below 64 KB. */
  static final int CHUNK = 200;
  /** Blocks this long or shorter stay as written. */
  static final int THRESHOLD = 2 * CHUNK;

  LargeBlockSplitter() {
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
      public void visitBlockStatement(BlockStatement block) {
        super.visitBlockStatement(block);
        if (block.getStatements().size() > THRESHOLD) {
          split(block);
        }
      }
    }.visitClass(classNode);
  }

  private static void split(BlockStatement block) {
    List<Statement> out = new ArrayList<>();
    List<Statement> run = new ArrayList<>();
    for (Statement s : block.getStatements()) {
      if (movable(s)) {
        run.add(s);
        if (run.size() == CHUNK) {
          out.add(chunk(run));
          run = new ArrayList<>();
        }
      } else {
        flush(run, out);
        run = new ArrayList<>();
        out.add(s);
      }
    }
    flush(run, out);
    block.getStatements().clear();
    block.getStatements().addAll(out);
  }

  /** A short tail stays inline: wrapping a handful of calls buys nothing. */
  private static void flush(List<Statement> run, List<Statement> out) {
    if (run.size() >= CHUNK / 4) {
      out.add(chunk(run));
    } else {
      out.addAll(run);
    }
  }

  private static boolean movable(Statement s) {
    return s instanceof ExpressionStatement e
        && e.getExpression() instanceof MethodCallExpression
        && (s.getStatementLabels() == null || s.getStatementLabels().isEmpty());
  }

  private static Statement chunk(List<Statement> statements) {
    BlockStatement body = new BlockStatement(new ArrayList<>(statements), new VariableScope());
    ClosureExpression closure = new ClosureExpression(Parameter.EMPTY_ARRAY, body);
    Statement first = statements.get(0);
    closure.setSourcePosition(first);
    MethodCallExpression call = new MethodCallExpression(closure, "call",
        ArgumentListExpression.EMPTY_ARGUMENTS);
    call.setSourcePosition(first);
    ExpressionStatement statement = new ExpressionStatement(call);
    statement.setSourcePosition(first);
    return statement;
  }
}
