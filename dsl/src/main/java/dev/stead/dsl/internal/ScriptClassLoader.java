package dev.stead.dsl.internal;

import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.SourceUnit;

/**
 * The class loader of one load of Stead code: compiles each script under the sandbox as
 * {@link GroovyClassLoader} does, keeping the bytes of every class the compile defined, in
 * the order it defined them; and defines a script's classes again from such bytes, the way
 * the compile defined them (its own inner loader, the same code source, in the same order,
 * entered in this loader's class cache), without parsing. Not thread-safe: one load uses it.
 */
final class ScriptClassLoader extends GroovyClassLoader {
  /** The code base manifests are compiled under: stack traces and permissions see it. */
  static final String CODE_BASE = "/stead/code";
  /** The code base of templates in the ERB syntax. */
  static final String TEMPLATE_CODE_BASE = "/stead/template";

  /** One class as the compile wrote it. */
  record ClassFile(String name, byte[] bytes) {}

  /** A compiled script: its main class and every class its compile defined. */
  record Compiled(Class<?> type, List<ClassFile> classes) {}

  private final String codeBase;
  private List<ClassFile> recording;

  ScriptClassLoader(ClassLoader parent, CompilerConfiguration config) {
    this(parent, config, CODE_BASE);
  }

  ScriptClassLoader(ClassLoader parent, CompilerConfiguration config, String codeBase) {
    super(parent, config);
    this.codeBase = codeBase;
  }

  /** Compiles {@code text} as {@code sourceName}; throws as {@link #parseClass} does. */
  Compiled compile(String text, String sourceName) {
    List<ClassFile> classes = new ArrayList<>();
    recording = classes;
    try {
      Class<?> type = parseClass(new GroovyCodeSource(text, sourceName, codeBase));
      return new Compiled(type, List.copyOf(classes));
    } finally {
      recording = null;
    }
  }

  /**
   * Defines {@code classes} (one script's, as {@link #compile} recorded them) and returns
   * the one named {@code mainClass}.
   *
   * @throws LinkageError when the bytes are not valid classes for this JVM
   */
  Class<?> define(List<ClassFile> classes, String mainClass) {
    Replay replay = new Replay(this);
    CodeSource source = codeSource();
    Class<?> main = null;
    List<Class<?>> defined = new ArrayList<>();
    for (ClassFile c : classes) {
      Class<?> type = replay.define(c.name(), c.bytes(), source);
      defined.add(type);
      if (c.name().equals(mainClass)) {
        main = type;
      }
    }
    if (main == null) {
      throw new LinkageError("no class " + mainClass + " among the cached classes");
    }
    for (Class<?> type : defined) {
      definePackageOf(type.getName());
      setClassCacheEntry(type);
    }
    return main;
  }

  /**
   * Never compiles a {@code .groovy} file found on the class path (Stead code is the files
   * the loader was given), and answers names in the default package from this loader
   * alone: Stead code's classes are the only ones there, all defined here. Asking the
   * parents would search every jar, and java.beans asks for a BeanInfo and a Customizer
   * class of every closure class whose metaclass is built.
   */
  @Override
  public Class loadClass(String name, boolean lookupScriptFiles, boolean preferClassOverScript,
      boolean resolve) throws ClassNotFoundException, CompilationFailedException {
    if (name.indexOf('.') < 0) {
      Class<?> own = getClassCacheEntry(name);
      if (own != null) {
        return own;
      }
      throw new ClassNotFoundException(name);
    }
    return super.loadClass(name, false, true, resolve);
  }

  @Override
  protected ClassCollector createCollector(CompilationUnit unit, SourceUnit su) {
    return new ClassCollector(new InnerLoader(this), unit, su) {
      @Override
      protected Class createClass(byte[] code, ClassNode classNode) {
        if (recording != null) {
          recording.add(new ClassFile(classNode.getName(), code.clone()));
        }
        return super.createClass(code, classNode);
      }
    };
  }

  private void definePackageOf(String className) {
    int i = className.lastIndexOf('.');
    if (i != -1 && getDefinedPackage(className.substring(0, i)) == null) {
      definePackage(className.substring(0, i), null, null, null, null, null, null, null);
    }
  }

  private CodeSource codeSource() {
    try {
      return new CodeSource(new URL("file", "", codeBase), (Certificate[]) null);
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A script's own loader, as the compile gives each script one. */
  private static final class Replay extends InnerLoader {
    Replay(GroovyClassLoader outer) {
      super(outer);
    }

    Class<?> define(String name, byte[] bytes, CodeSource source) {
      return defineClass(name, bytes, 0, bytes.length, source);
    }
  }
}
