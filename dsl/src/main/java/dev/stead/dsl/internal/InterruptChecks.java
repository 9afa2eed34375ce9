package dev.stead.dsl.internal;

import groovy.transform.ThreadInterrupt;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.AnnotationNode;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.transform.AbstractInterruptibleASTTransformation;

/**
 * Puts a check of the thread's interrupt flag at the start of every loop body, method and
 * closure of Stead code, throwing InterruptedException when it is set: {@link TimeLimit}
 * relies on it to stop runaway code. The checks are those of Groovy's {@code @ThreadInterrupt}
 * with its defaults (the same base transformation, condition, message and phase).
 *
 * <p>Written in Java rather than applied through {@code ASTTransformationCustomizer}: that
 * customizer and Groovy's own transformation class are dynamic Groovy, and building them
 * (call sites linked, metaclasses made) cost a cold JVM a noticeable part of a first compile.
 */
final class InterruptChecks extends CompilationCustomizer {
  InterruptChecks() {
    super(CompilePhase.CANONICALIZATION);
  }

  @Override
  public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
    AnnotationNode defaults = new AnnotationNode(ClassHelper.make(ThreadInterrupt.class));
    defaults.setSourcePosition(classNode);
    // A new visitor per class: the base keeps per-visit state in fields.
    new Checks().visit(new ASTNode[] {defaults, classNode}, source);
  }

  private static final class Checks extends AbstractInterruptibleASTTransformation {
    private static final ClassNode ANNOTATION = ClassHelper.make(ThreadInterrupt.class);
    private static final ClassNode THREAD = ClassHelper.make(Thread.class);
    private static final MethodNode CURRENT_THREAD =
        THREAD.getMethod("currentThread", Parameter.EMPTY_ARRAY);
    private static final MethodNode IS_INTERRUPTED =
        THREAD.getMethod("isInterrupted", Parameter.EMPTY_ARRAY);

    @Override
    protected ClassNode type() {
      return ANNOTATION;
    }

    @Override
    protected String getErrorMessage() {
      return "Execution interrupted. The current thread has been interrupted.";
    }

    /** {@code Thread.currentThread().isInterrupted()}, both calls direct. */
    @Override
    protected Expression createCondition() {
      MethodCallExpression thread = new MethodCallExpression(new ClassExpression(THREAD),
          "currentThread", ArgumentListExpression.EMPTY_ARGUMENTS);
      thread.setMethodTarget(CURRENT_THREAD);
      thread.setImplicitThis(false);
      MethodCallExpression interrupted = new MethodCallExpression(thread, "isInterrupted",
          ArgumentListExpression.EMPTY_ARGUMENTS);
      interrupted.setMethodTarget(IS_INTERRUPTED);
      interrupted.setImplicitThis(false);
      return interrupted;
    }

    @Override
    public void visitClosureExpression(ClosureExpression closure) {
      closure.setCode(wrapBlock(closure.getCode()));
      super.visitClosureExpression(closure);
    }

    @Override
    public void visitMethod(MethodNode node) {
      if (checkOnMethodStart && !node.isSynthetic() && !node.isAbstract()) {
        node.setCode(wrapBlock(node.getCode()));
      }
      super.visitMethod(node);
    }
  }
}
