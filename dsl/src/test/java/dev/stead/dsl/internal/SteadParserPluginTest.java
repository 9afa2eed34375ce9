package dev.stead.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.ParserPluginFactory;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.SourceUnit;
import org.junit.jupiter.api.Test;

/** Stead's parser builds the tree Groovy's builds: same constants, same positions. */
class SteadParserPluginTest {
  private static final String SOURCE = """
      file('/etc/a') { ensure 'file'; content 'one\\ntwo\\t\\'x\\''; mode '0644' }
      file('/etc/b', content: "dq\\n\\"y\\"", mode: '0600')
      def x = ['\\u00e9', 'C:\\\\', '\\101', "\\$", '''tri
      ple''', /sl\\/ash/, 'plain'] + 'a\\sb'.toUpperCase()
      notify('n') { message 'a' + 'b\\r\\n' }
      """;

  @Test
  void constantsAndTheirPositionsAreGroovys() {
    assertThat(constants(SteadParserPlugin.factory()))
        .isEqualTo(constants(ParserPluginFactory.antlr4()))
        .hasSizeGreaterThan(15);
  }

  private static List<String> constants(ParserPluginFactory parser) {
    CompilerConfiguration config = new CompilerConfiguration();
    config.setPluginFactory(parser);
    CompilationUnit unit = new CompilationUnit(config);
    SourceUnit source = unit.addSource("m.groovy", SOURCE);
    unit.compile(Phases.CONVERSION);
    ModuleNode module = source.getAST();
    List<String> out = new ArrayList<>();
    CodeVisitorSupport visitor = new CodeVisitorSupport() {
      @Override
      public void visitConstantExpression(ConstantExpression e) {
        out.add(e.getValue() + "@" + e.getLineNumber() + ":" + e.getColumnNumber() + "-"
            + e.getLastLineNumber() + ":" + e.getLastColumnNumber() + " "
            + e.getNodeMetaData("_IS_STRING"));
      }
    };
    module.getStatementBlock().visit(visitor);
    for (ClassNode c : module.getClasses()) {
      for (MethodNode m : c.getMethods()) {
        if (m.getCode() != null) {
          m.getCode().visit(visitor);
        }
      }
    }
    return out;
  }
}
