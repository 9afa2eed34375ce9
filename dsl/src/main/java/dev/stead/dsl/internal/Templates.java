package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.ConfinedFiles;
import groovy.lang.GroovyShell;
import groovy.text.SimpleTemplateEngine;
import groovy.text.Template;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;

/**
 * Renders module templates ({@code module/file} names {@code <module>/templates/<file>}),
 * compiled under the same sandbox as manifests and parsed once per Compiler. A template whose
 * name ends in {@code .erb} uses ERB's tags ({@link ErbSource}): text outside them is taken
 * as it is. Any other template is read in the old syntax, Groovy's SimpleTemplateEngine
 * ({@code ${x}} anywhere in the text), which is deprecated. Thread-safe: parsed templates are
 * cached in a concurrent map and each rendering gets its own script instance.
 */
public final class Templates {
  /** A template that cannot be found, parsed or rendered; the message names it. */
  static final class TemplateProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient SourceLocation location;

    TemplateProblem(String message, SourceLocation location) {
      super(message, null, false, false);
      this.location = location;
    }

    Optional<SourceLocation> location() {
      return Optional.ofNullable(location);
    }
  }

  private static final Pattern GENERATED_ERROR =
      Pattern.compile("SimpleTemplateScript\\d+\\.groovy: (\\d+): (.*?)(?: @ line \\d+.*)?$",
          Pattern.MULTILINE);

  /** The extension of templates in the ERB syntax. */
  static final String ERB = ".erb";
  private static final String ERB_SCRIPT = "SteadTemplate";
  private static final Pattern NULL_PROPERTY =
      Pattern.compile("Cannot (?:get|set) property '([^']*)' on null object");
  private static final Pattern NULL_METHOD =
      Pattern.compile("Cannot invoke method (\\S+)\\(\\) on null object");

  /** A parsed template; {@code lines[n]} is the template line of generated script line n. */
  private record Parsed(Template template, String relativeName, int[] lines) {
    int templateLine(int scriptLine) {
      return scriptLine > 0 && scriptLine < lines.length ? lines[scriptLine] : 0;
    }
  }

  /** A parsed {@code .erb} template: its script class and how its lines map back. */
  private record ParsedErb(Class<?> type, ErbSource source, String relativeName,
      String scriptName) {
    /**
     * A new script for one rendering. Built with the no-argument constructor, the binding set
     * after: Groovy's {@code InvokerHelper.createScript} first asks for a constructor taking a
     * binding, which a template class does not have, and the exception it catches costs a
     * stack trace on every rendering (hundreds per compile).
     */
    /** Each template class's no-argument constructor, looked up once, not per rendering. */
    private static final ClassValue<java.lang.reflect.Constructor<?>> CONSTRUCTORS =
        new ClassValue<>() {
          @Override
          protected java.lang.reflect.Constructor<?> computeValue(Class<?> type) {
            try {
              return type.getDeclaredConstructor();
            } catch (NoSuchMethodException e) {
              throw new IllegalStateException("template class " + type.getName()
                  + " has no constructor without arguments", e);
            }
          }
        };

    private java.lang.reflect.Constructor<?> constructor() {
      return CONSTRUCTORS.get(type);
    }

    TemplateScript newScript(Map<String, Object> binding) {
      TemplateScript script;
      try {
        script = (TemplateScript) constructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("template class " + type.getName()
            + " cannot be instantiated: " + e, e);
      }
      script.setBinding(new groovy.lang.Binding(new java.util.HashMap<>(binding)));
      return script;
    }
  }

  private final Function<String, Optional<ModuleCode>> modules;
  private final SimpleTemplateEngine engine;
  private final ScriptClassLoader erbLoader;
  private final TemplateClassCache classCache;
  private final Map<String, Parsed> cache = new ConcurrentHashMap<>();
  private final Map<String, ParsedErb> erbCache = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger fromCache =
      new java.util.concurrent.atomic.AtomicInteger();

  public Templates(Function<String, Optional<ModuleCode>> modules, ClassLoader parent) {
    this(modules, parent, TemplateClassCache.NONE);
  }

  /** As above; {@code .erb} templates' classes are kept in, and defined from, {@code classCache}. */
  Templates(Function<String, Optional<ModuleCode>> modules, ClassLoader parent,
      TemplateClassCache classCache) {
    this.modules = modules;
    this.engine = new SimpleTemplateEngine(new GroovyShell(parent, Sandbox.forTemplates()));
    this.erbLoader = new ScriptClassLoader(parent, Sandbox.forErbTemplates(),
        ScriptClassLoader.TEMPLATE_CODE_BASE);
    this.classCache = classCache;
  }

  /** How many {@code .erb} templates were defined from the class cache, not compiled. */
  public int fromCache() {
    return fromCache.get();
  }

  /** Whether {@code path} names a template in the ERB syntax (else the deprecated one). */
  static boolean isErb(String path) {
    return path.endsWith(ERB);
  }

  String render(String path, Map<String, Object> binding) throws TemplateProblem {
    if (isErb(path)) {
      ParsedErb erb = erbCache.get(path);
      if (erb == null) {
        erb = parseErb(path);
        erbCache.putIfAbsent(path, erb);
      }
      return renderErb(path, erb, binding);
    }
    Parsed parsed = cache.get(path);
    if (parsed == null) {
      parsed = parse(path);
      cache.putIfAbsent(path, parsed);
    }
    try {
      SandboxRuntime.startOutput();
      return parsed.template().make(binding).toString();
    } catch (SandboxViolation v) {
      SourceLocation at = Locations.at(parsed.relativeName(),
          parsed.templateLine(scriptLine(v)));
      Evaluation.placeViolation(v, at);
      throw v.at(at);
    } catch (RuntimeException | StackOverflowError e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e;
      }
      String detail = e instanceof groovy.lang.MissingPropertyException m
          ? "no variable '" + m.getProperty() + "' (pass it: template('" + path + "', "
              + m.getProperty() + ": ...))"
          : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new TemplateProblem("template " + parsed.relativeName() + ": " + detail, null);
    }
  }

  private static int mapLine(String text, int scriptLine) {
    int[] lines = lineMap(text);
    return scriptLine > 0 && scriptLine < lines.length ? lines[scriptLine] : 0;
  }

  /** The line of the generated template script that raised {@code error}, or 0. */
  private static int scriptLine(Throwable error) {
    for (StackTraceElement e : error.getStackTrace()) {
      if (e.getFileName() != null && e.getFileName().startsWith("SimpleTemplateScript")
          && e.getLineNumber() > 0) {
        return e.getLineNumber();
      }
    }
    return 0;
  }

  /**
   * Maps generated script lines to template lines. SimpleTemplateEngine copies the template
   * line for line, except that it ends every {@code <% ... %>} section with a line break of
   * its own.
   */
  private static int[] lineMap(String text) {
    List<Integer> lines = new ArrayList<>(List.of(0, 1));
    int line = 1;
    boolean inSection = false;
    for (int i = 0; i < text.length(); i++) {
      if (!inSection && text.startsWith("<%", i) && !text.startsWith("<%=", i)) {
        inSection = true;
        i++;
      } else if (inSection && text.startsWith("%>", i)) {
        inSection = false;
        lines.add(line);
        i++;
      } else if (text.charAt(i) == '\n') {
        line++;
        lines.add(line);
      }
    }
    return lines.stream().mapToInt(Integer::intValue).toArray();
  }

  private String renderErb(String path, ParsedErb erb, Map<String, Object> binding)
      throws TemplateProblem {
    TemplateScript script = erb.newScript(binding);
    try {
      script.run();
      return script.rendered();
    } catch (SandboxViolation v) {
      SourceLocation at = erbLocation(erb, v);
      Evaluation.placeViolation(v, at);
      throw v.at(at);
    } catch (TemplateScript.NullValue n) {
      ErbSource.Tag tag = erb.source().tags().get(n.tag);
      String expression = tag.text().substring(3, tag.text().length() - 2).strip();
      throw new TemplateProblem(tag.text().strip() + " is null: pass a value, or write"
          + " <%= " + expression + " ?: '' %> to print nothing",
          Locations.at(erb.relativeName(), tag.line()));
    } catch (RuntimeException | StackOverflowError e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e;
      }
      SourceLocation at = erbLocation(erb, e);
      throw new TemplateProblem(explain(path, e, erb.source().tagAt(at.getLine(), name(e))), at);
    }
  }

  private static SourceLocation erbLocation(ParsedErb erb, Throwable e) {
    int scriptLine = 0;
    for (StackTraceElement f : e.getStackTrace()) {
      if (erb.scriptName().equals(f.getFileName()) && f.getLineNumber() > 0) {
        scriptLine = f.getLineNumber();
        break;
      }
    }
    return Locations.at(erb.relativeName(), erb.source().templateLine(scriptLine));
  }

  /** The name an error is about, if it says. */
  private static String name(Throwable e) {
    if (e instanceof groovy.lang.MissingPropertyException m) {
      return m.getProperty();
    }
    if (e instanceof groovy.lang.MissingMethodException m) {
      return m.getMethod();
    }
    Matcher property = NULL_PROPERTY.matcher(String.valueOf(e.getMessage()));
    return property.find() ? property.group(1) : null;
  }

  /** What went wrong, in the template's terms: the name missing, what was null, where. */
  private static String explain(String path, Throwable e, ErbSource.Tag tag) {
    String in = tag == null ? "" : " in " + tag.text().strip();
    if (e instanceof groovy.lang.MissingPropertyException m) {
      return "no variable '" + m.getProperty() + "'" + in + " (pass it: template('" + path
          + "', " + m.getProperty() + ": ...))";
    }
    String message = String.valueOf(e.getMessage());
    Matcher property = NULL_PROPERTY.matcher(message);
    if (e instanceof NullPointerException && property.find()) {
      return "cannot read '" + property.group(1) + "'" + in + ": what it is read from is null"
          + " (a variable not passed, or a key missing from a map? ?. reads null instead)";
    }
    Matcher method = NULL_METHOD.matcher(message);
    if (e instanceof NullPointerException && method.find()) {
      return "cannot call " + method.group(1) + "()" + in + ": it is called on null";
    }
    if (e instanceof groovy.lang.MissingMethodException m) {
      return "no method " + m.getMethod() + "() for these arguments" + in;
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + in;
  }

  private ParsedErb parseErb(String path) throws TemplateProblem {
    Source source = read(path);
    ErbSource erb;
    try {
      erb = ErbSource.translate(source.text());
    } catch (ErbSource.Malformed e) {
      throw new TemplateProblem(e.getMessage(), Locations.at(source.relative(), e.line));
    }
    // Named after the template, not the order of first use: a restarted master finds the
    // same name in the class cache.
    String scriptName = ERB_SCRIPT + "_" + HexFormat.of().formatHex(ClassCacheFile.sha256()
        .digest(source.relative().getBytes(StandardCharsets.UTF_8)), 0, 8) + ".groovy";
    String key = classCache.key(source.relative(), scriptName, erb.script());
    try {
      synchronized (erbLoader) {
        ClassCacheFile.Entry kept = classCache.find(key);
        if (kept != null) { // its key covers the script's name and text
          try {
            Class<?> type = erbLoader.define(kept.classes(), kept.mainClass());
            classCache.used(kept);
            fromCache.incrementAndGet();
            return new ParsedErb(type, erb, source.relative(), scriptName);
          } catch (LinkageError | RuntimeException e) {
            // damaged or foreign bytes: compiled again below, and the entry rewritten
          }
        }
        ScriptClassLoader.Compiled compiled = erbLoader.compile(erb.script(), scriptName);
        classCache.compiled(new ClassCacheFile.Entry(key, scriptName,
            compiled.type().getName(), List.of(), compiled.classes()));
        return new ParsedErb(compiled.type(), erb, source.relative(), scriptName);
      }
    } catch (MultipleCompilationErrorsException e) {
      for (Message m : e.getErrorCollector().getErrors()) {
        if (m instanceof SyntaxErrorMessage s) {
          throw new TemplateProblem(s.getCause().getOriginalMessage(),
              Locations.at(source.relative(), erb.templateLine(s.getCause().getStartLine())));
        }
      }
      throw new TemplateProblem(e.getMessage(), Locations.at(source.relative(), 0));
    }
  }

  /** A template's text and its name relative to the environment. */
  private record Source(String text, String relative) {}

  private Source read(String path) throws TemplateProblem {
    int slash = path.indexOf('/');
    if (slash <= 0 || slash == path.length() - 1) {
      throw new TemplateProblem("template name '" + path + "' must be 'module/file'", null);
    }
    String moduleName = path.substring(0, slash);
    String rest = path.substring(slash + 1);
    ModuleCode module = modules.apply(moduleName).orElseThrow(() -> new TemplateProblem(
        "template '" + path + "': there is no module '" + moduleName + "'", null));
    Path dir = module.dir().resolve("templates").normalize();
    Path file = dir.resolve(rest).normalize();
    if (!file.startsWith(dir) || rest.startsWith("/")) {
      throw new TemplateProblem("template '" + path + "' leaves the module's templates/", null);
    }
    String relative = module.relativePrefix() + "templates/" + rest;
    try {
      return new Source(ConfinedFiles.readString(module.dir(), file), relative);
    } catch (ConfinedFiles.OutsideBound e) {
      throw new TemplateProblem("template '" + path + "': "
          + LinkEscapes.outsideModule(relative, moduleName), null);
    } catch (NoSuchFileException e) {
      throw new TemplateProblem("template '" + path + "' not found: no file " + relative, null);
    } catch (IOException e) {
      throw new TemplateProblem("template " + relative + " cannot be read: " + e.getMessage(),
          Locations.at(relative, 0));
    }
  }

  private Parsed parse(String path) throws TemplateProblem {
    Source source = read(path);
    String relative = source.relative();
    String text = source.text();
    try {
      synchronized (engine) {
        return new Parsed(engine.createTemplate(new StringReader(text)), relative,
            lineMap(text));
      }
    } catch (MultipleCompilationErrorsException e) {
      for (Message m : e.getErrorCollector().getErrors()) {
        if (m instanceof SyntaxErrorMessage s) {
          throw new TemplateProblem(s.getCause().getOriginalMessage(),
              Locations.at(relative, mapLine(text, s.getCause().getStartLine())));
        }
      }
      throw new TemplateProblem(e.getMessage(), Locations.at(relative, 0));
    } catch (IOException e) {
      throw new TemplateProblem("template " + relative + " cannot be parsed: " + e.getMessage(),
          Locations.at(relative, 0));
    } catch (RuntimeException e) {
      // SimpleTemplateEngine flattens compile errors into one message; recover line and text.
      Matcher m = GENERATED_ERROR.matcher(String.valueOf(e.getMessage()));
      if (m.find()) {
        throw new TemplateProblem(m.group(2).trim(),
            Locations.at(relative, mapLine(text, Integer.parseInt(m.group(1)))));
      }
      throw new TemplateProblem("template " + relative + " cannot be parsed: " + e.getMessage(),
          Locations.at(relative, 0));
    }
  }
}
