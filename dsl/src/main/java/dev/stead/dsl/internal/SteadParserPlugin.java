package dev.stead.dsl.internal;

import groovyjarjarantlr4.v4.runtime.Token;
import groovyjarjarantlr4.v4.runtime.WritableToken;
import org.apache.groovy.parser.antlr4.Antlr4ParserPlugin;
import org.apache.groovy.parser.antlr4.AstBuilder;
import org.apache.groovy.parser.antlr4.GroovyParser;
import org.apache.groovy.parser.antlr4.util.PositionConfigureUtils;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.ParserPlugin;
import org.codehaus.groovy.control.ParserPluginFactory;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.syntax.Reduction;

/**
 * Groovy's own parser, with quoted string literals read by {@link QuotedStrings} where it can:
 * the same tree, node for node (value, metadata, positions), built without four regular
 * expressions per literal.
 */
final class SteadParserPlugin extends Antlr4ParserPlugin {
  /** Groovy marks a constant that was written as a string literal with this key. */
  private static final String IS_STRING = "_IS_STRING";

  /** For {@link CompilerConfiguration#setPluginFactory}. */
  static ParserPluginFactory factory() {
    return new ParserPluginFactory() {
      @Override
      public ParserPlugin createParserPlugin() {
        return new SteadParserPlugin();
      }
    };
  }

  @Override
  public ModuleNode buildAST(SourceUnit sourceUnit, ClassLoader classLoader, Reduction cst) {
    CompilerConfiguration config = sourceUnit.getConfiguration();
    return new Builder(sourceUnit, config.isGroovydocEnabled(),
        config.isRuntimeGroovydocEnabled()).buildAST();
  }

  private static final class Builder extends AstBuilder {
    Builder(SourceUnit sourceUnit, boolean groovydoc, boolean runtimeGroovydoc) {
      super(sourceUnit, groovydoc, runtimeGroovydoc);
    }

    @Override
    public ConstantExpression visitStringLiteral(GroovyParser.StringLiteralContext ctx) {
      Token token = ctx.StringLiteral().getSymbol();
      String text = token.getText();
      // Kept on the token: each node ending at this literal reads the token's text again for
      // its end position, and without it every read copies the text out of the source.
      if (token instanceof WritableToken writable) {
        writable.setText(text);
      }
      String value = QuotedStrings.value(text);
      if (value == null) {
        return super.visitStringLiteral(ctx);
      }
      ConstantExpression constant = new ConstantExpression(value);
      constant.putNodeMetaData(IS_STRING, Boolean.TRUE);
      if (ctx.getStart() != token || ctx.getStop() != token || text.indexOf('\n') >= 0) {
        return PositionConfigureUtils.configureAST(constant, ctx);
      }
      // What configureAST sets for a one-line token, without its stream counting newlines.
      constant.setLineNumber(token.getLine());
      constant.setColumnNumber(token.getCharPositionInLine() + 1);
      constant.setLastLineNumber(token.getLine());
      constant.setLastColumnNumber(token.getCharPositionInLine() + 1 + text.length());
      return constant;
    }
  }
}
