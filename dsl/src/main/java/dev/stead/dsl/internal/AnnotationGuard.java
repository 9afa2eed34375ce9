package dev.stead.dsl.internal;

import org.codehaus.groovy.ast.AnnotatedNode;
import org.codehaus.groovy.ast.AnnotationNode;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Refuses annotations outside a short allowlist at the CONVERSION phase, before local AST
 * transformations run: {@code @Grab} downloads and {@code @ASTTest} executes code at compile
 * time, before any run-time guard could intervene. The global Grab transformation is also
 * disabled in {@link Sandbox}.
 */
final class AnnotationGuard extends CompilationCustomizer {
  AnnotationGuard() {
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
      public void visitAnnotations(AnnotatedNode node) {
        for (AnnotationNode a : node.getAnnotations()) {
          String name = a.getClassNode().getName();
          // Annotations the compiler adds itself (the script base class) carry no line.
          if (a.getLineNumber() > 0 && !SandboxPolicy.allowedAnnotation(name)) {
            source.getErrorCollector().addErrorAndContinue(new SyntaxException(
                "sandbox: annotation @" + name + " is not allowed in Stead code",
                a.getLineNumber(), Math.max(a.getColumnNumber(), 1)), source);
          }
        }
        super.visitAnnotations(node);
      }
    }.visitClass(classNode);
  }
}
