package dev.stead.dsl.internal;

import java.util.Set;
import org.codehaus.groovy.control.CompilerConfiguration;

/**
 * Compiler configurations for Stead code and templates: the sandbox customizers (the
 * compile-time {@link SandboxChecker}, then {@link SandboxTransformer}, which routes calls,
 * property accesses and constructors through the run-time checks of {@link SandboxRuntime}),
 * the class parameter rewrite, and interrupt checks in every loop, method and closure so that
 * {@link TimeLimit} can stop runaway code.
 */
public final class Sandbox {
  private Sandbox() {}

  /** Configuration for manifests, whose scripts extend {@link SteadScript}. */
  public static CompilerConfiguration forManifests() {
    return forManifests(new KlassParameterRewriter());
  }

  /** As {@link #forManifests()}, with a rewriter the caller keeps to read defined type names. */
  static CompilerConfiguration forManifests(KlassParameterRewriter rewriter) {
    CompilerConfiguration config = base(rewriter);
    config.setScriptBaseClass(SteadScript.class.getName());
    return config;
  }

  /** Configuration for templates (plain scripts, same sandbox). */
  public static CompilerConfiguration forTemplates() {
    return base(new KlassParameterRewriter());
  }

  /** Configuration for {@code .erb} templates, whose scripts extend {@link TemplateScript}. */
  static CompilerConfiguration forErbTemplates() {
    CompilerConfiguration config = base(new KlassParameterRewriter());
    config.setScriptBaseClass(TemplateScript.class.getName());
    return config;
  }

  private static CompilerConfiguration base(KlassParameterRewriter rewriter) {
    CompilerConfiguration config = new CompilerConfiguration();
    config.setSourceEncoding("UTF-8");
    config.setPluginFactory(SteadParserPlugin.factory());
    // Grab is a global transformation that would download and load code at compile time.
    config.setDisabledGlobalASTTransformations(Set.of(
        "groovy.grape.GrabAnnotationTransformation",
        "org.codehaus.groovy.ast.builder.AstBuilderTransformation"));
    config.addCompilationCustomizers(
        new AnnotationGuard(),
        rewriter,
        new LargeBlockSplitter(),
        new SandboxChecker(),
        new VariableCallCheck(),
        new FunctionsFileCheck(),
        new SandboxTransformer(),
        new InterruptChecks());
    return config;
  }
}
