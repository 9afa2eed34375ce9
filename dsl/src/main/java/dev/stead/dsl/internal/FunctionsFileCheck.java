package dev.stead.dsl.internal;

import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * A module's {@code functions/*.groovy} file holds function definitions only: its top-level
 * statements would never run (the file is a library, not a manifest), so each is refused at
 * its line rather than silently ignored.
 */
final class FunctionsFileCheck extends CompilationCustomizer {
  FunctionsFileCheck() {
    super(CompilePhase.CANONICALIZATION);
  }

  @Override
  public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
    if (!classNode.isScript() || !source.getName().startsWith(CodeLoader.FUNCTIONS_PREFIX)) {
      return;
    }
    if (classNode.getModule() == null || classNode.getModule().getClasses().isEmpty()
        || classNode.getModule().getClasses().get(0) != classNode) {
      return;
    }
    BlockStatement block = classNode.getModule().getStatementBlock();
    for (Statement s : block.getStatements()) {
      if (s.getLineNumber() > 0) {
        source.getErrorCollector().addErrorAndContinue(new SyntaxException("a functions file"
            + " holds function definitions only (def name(args) { ... }); this statement"
            + " would never run: move it into a function or a manifest", s.getLineNumber(),
            s.getColumnNumber()), source);
      }
    }
  }
}
