package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.ConfinedFiles;
import groovy.lang.GroovyShell;
import groovy.text.SimpleTemplateEngine;
import groovy.text.Template;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Renders module templates ({@code module/file} names {@code <module>/templates/<file>}) with
 * Groovy's SimpleTemplateEngine, compiled under the same sandbox as manifests and parsed
 * once per Compiler. Thread-safe: parsed templates are cached in a concurrent map and each
 * rendering gets its own script instance.
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

  /** A parsed template; {@code lines[n]} is the template line of generated script line n. */
  private record Parsed(Template template, String relativeName, int[] lines) {
    int templateLine(int scriptLine) {
      return scriptLine > 0 && scriptLine < lines.length ? lines[scriptLine] : 0;
    }
  }

  private final Function<String, Optional<ModuleCode>> modules;
  private final SimpleTemplateEngine engine;
  private final Map<String, Parsed> cache = new ConcurrentHashMap<>();

  public Templates(Function<String, Optional<ModuleCode>> modules, ClassLoader parent) {
    this.modules = modules;
    this.engine = new SimpleTemplateEngine(new GroovyShell(parent, Sandbox.forTemplates()));
  }

  String render(String path, Map<String, Object> binding) throws TemplateProblem {
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

  private Parsed parse(String path) throws TemplateProblem {
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
    String text;
    try {
      text = ConfinedFiles.readString(module.dir(), file);
    } catch (ConfinedFiles.OutsideBound e) {
      throw new TemplateProblem("template '" + path + "': "
          + LinkEscapes.outsideModule(relative, moduleName), null);
    } catch (NoSuchFileException e) {
      throw new TemplateProblem("template '" + path + "' not found: no file " + relative, null);
    } catch (IOException e) {
      throw new TemplateProblem("template " + relative + " cannot be read: " + e.getMessage(),
          Locations.at(relative, 0));
    }
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
