package dev.stead.dsl.internal;

import dev.stead.dsl.CompileException;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.types.ParameterSpec;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.Values;
import groovy.lang.Closure;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.codehaus.groovy.runtime.InvokerInvocationException;

/**
 * One compile of one node: runs the code, records what it declares, then resolves and
 * validates relationships and builds the sealed catalog. Errors are collected, not thrown,
 * wherever evaluation can go on; an exception from user code ends evaluation with one error
 * at the line that raised it. Not thread-safe: confined to the thread that compiles, where
 * it is reachable through {@link #current()} while the code runs.
 */
public final class Evaluation {
  private static final ThreadLocal<Evaluation> CURRENT = new ThreadLocal<>();
  private static final Set<String> DSL_FUNCTIONS = Set.of("node", "klass", "include", "template");
  // A list, not Set.of: error messages list these and must not change order between JVMs.
  private static final List<String> META_PARAMETERS =
      List.of("requires", "before", "notifies", "subscribes", "noop");

  private record NodeBlock(String label, String exact, Pattern pattern, Closure<?> body,
      SourceLocation location) {}

  private record Inclusion(Map<String, Object> parameters, SourceLocation location) {}

  private final CodeBase code;
  private final String nodeName;
  private final Map<String, Object> facts;
  private final Duration timeLimit;
  private final Set<CompileError> errors = new LinkedHashSet<>();
  private final List<NodeBlock> nodeBlocks = new ArrayList<>();
  private final Map<String, ClassDefinition> classDefinitions = new HashMap<>();
  private final Set<String> loadedModules = new LinkedHashSet<>();
  private final Map<String, Inclusion> included = new HashMap<>();
  private final List<String> classes = new ArrayList<>();
  private final List<String> containers = new ArrayList<>();
  private final Map<String, ResourceDecl> resources = new LinkedHashMap<>();
  private final List<Reference> candidates = new ArrayList<>();
  private boolean nodeSelected;
  private String matchedNode = "";

  public Evaluation(CodeBase code, String nodeName, Map<String, Object> facts,
      Duration timeLimit) {
    this.code = code;
    this.nodeName = nodeName;
    this.facts = facts;
    this.timeLimit = timeLimit;
  }

  static Evaluation current() {
    Evaluation e = CURRENT.get();
    if (e == null) {
      throw new IllegalStateException("Stead code can only run inside a compile");
    }
    return e;
  }

  Map<String, Object> facts() {
    return facts;
  }

  String nodeName() {
    return nodeName;
  }

  /** Compiles: evaluates under the time limit, then validates and seals. */
  public Catalog compile() throws CompileException {
    boolean timedOut = TimeLimit.run(timeLimit, this::evaluate);
    if (timedOut && errors.stream().noneMatch(e -> e.getMessage().contains("time limit"))) {
      error(Locations.at(code.main().relativeName(), 0), timeoutMessage());
    }
    if (errors.isEmpty()) {
      declareUnusedCandidates();
    }
    List<Edge> edges = resolveEdges();
    if (!errors.isEmpty()) {
      throw new CompileException(new ArrayList<>(errors));
    }
    Catalog.Builder catalog = Catalog.newBuilder()
        .setNode(nodeName)
        .setCodeVersion(code.codeVersion())
        .setEnvironment(code.environment())
        .setMatchedNode(matchedNode)
        .addAllClasses(classes)
        .addAllEdges(edges);
    for (ResourceDecl d : resources.values()) {
      catalog.addResources(Resource.newBuilder()
          .setType(d.spec.name())
          .setTitle(d.title)
          .putAllParameters(Values.ofMap(d.parameters))
          .setSource(d.location)
          .addAllContainers(d.containers)
          .setNoop(d.noop));
    }
    return Catalogs.seal(catalog.build());
  }

  private void evaluate() {
    CURRENT.set(this);
    try {
      code.main().newInstance().run();
      NodeBlock block = selectNode();
      nodeSelected = true;
      if (block != null) {
        matchedNode = block.label();
        block.body().call();
      }
    } catch (Throwable t) {
      failed(t);
    } finally {
      CURRENT.remove();
    }
  }

  // ---- node blocks ----

  void defineNode(Object matcher, Closure<?> body) {
    SourceLocation here = caller();
    if (nodeSelected) {
      error(here, "node blocks must be at the top level of " + code.main().relativeName());
      return;
    }
    NodeBlock block;
    if (matcher instanceof Pattern p) {
      block = new NodeBlock("/" + p.pattern() + "/", null, p, body, here);
    } else if (matcher instanceof CharSequence s && !s.toString().isEmpty()) {
      block = new NodeBlock(s.toString(), s.toString(), null, body, here);
    } else {
      error(here, "node() takes a name, 'default' or a pattern like ~/^web\\d+/, got "
          + ResourceRules.describe(matcher));
      return;
    }
    for (NodeBlock other : nodeBlocks) {
      if (other.label().equals(block.label())) {
        error(here, "node " + block.label() + " is defined twice: first at "
            + Locations.format(other.location()));
        return;
      }
    }
    nodeBlocks.add(block);
  }

  private NodeBlock selectNode() {
    for (NodeBlock b : nodeBlocks) {
      if (b.exact() != null && b.exact().equals(nodeName)) {
        return b;
      }
    }
    for (NodeBlock b : nodeBlocks) {
      if (b.pattern() != null && b.pattern().matcher(nodeName).find()) {
        return b;
      }
    }
    for (NodeBlock b : nodeBlocks) {
      if ("default".equals(b.exact())) {
        return b;
      }
    }
    if (code.nodeRequired()) {
      error(Locations.at(code.main().relativeName(), 0), "no node block matches node '"
          + nodeName + "' and there is no node('default') block");
    }
    return null;
  }

  // ---- classes ----

  void defineClass(String name, Map<String, Closure<?>> parameters, Closure<?> body) {
    SourceLocation here = caller();
    if (name == null || name.isEmpty()) {
      error(here, "klass() needs a name");
      return;
    }
    ClassDefinition other = classDefinitions.get(name);
    if (other != null) {
      error(here, "class '" + name + "' is defined twice: first at "
          + Locations.format(other.location()));
      return;
    }
    List<String> names = parameters == null ? List.of() : List.copyOf(parameters.keySet());
    Map<String, Closure<?>> defaults = new HashMap<>();
    if (parameters != null) {
      parameters.forEach((k, v) -> {
        if (v != null) {
          defaults.put(k, v);
        }
      });
    }
    classDefinitions.put(name, new ClassDefinition(name, names, defaults, body, here));
  }

  void include(String name, Map<String, ?> rawParameters) {
    SourceLocation here = caller();
    Map<String, Object> given = new TreeMap<>();
    rawParameters.forEach((k, v) -> given.put(String.valueOf(k),
        v instanceof CharSequence s ? s.toString() : v));
    Inclusion prior = included.get(name);
    if (prior != null) {
      if (!given.isEmpty() && !given.equals(prior.parameters())) {
        error(here, "class '" + name + "' is included with conflicting parameters: "
            + given + " here, " + prior.parameters() + " at " + Locations.format(prior.location()));
      }
      return;
    }
    ClassDefinition definition = lookupClass(name);
    if (definition == null) {
      error(here, "unknown class '" + name + "'");
      return;
    }
    included.put(name, new Inclusion(given, here));
    Object[] arguments = bind(definition, given, here);
    if (arguments == null) {
      return;
    }
    classes.add(name);
    containers.add(name);
    try {
      definition.body().call(arguments);
    } finally {
      containers.remove(containers.size() - 1);
    }
  }

  private ClassDefinition lookupClass(String name) {
    ClassDefinition found = classDefinitions.get(name);
    if (found != null) {
      return found;
    }
    String moduleName = name.contains("::") ? name.substring(0, name.indexOf("::")) : name;
    if (loadedModules.add(moduleName)) {
      Optional<ModuleCode> module = code.module(moduleName);
      if (module.isPresent()) {
        for (CompiledScript manifest : module.get().manifests()) {
          manifest.newInstance().run();
        }
      }
    }
    return classDefinitions.get(name);
  }

  /** Positional arguments for the class body, or null after recording why there are none. */
  private Object[] bind(ClassDefinition definition, Map<String, Object> given,
      SourceLocation here) {
    boolean ok = true;
    for (String key : given.keySet()) {
      if (!definition.parameters().contains(key)) {
        error(here, "class '" + definition.name() + "' has no parameter '" + key + "'"
            + (definition.parameters().isEmpty() ? ""
                : " (it has " + String.join(", ", definition.parameters()) + ")"));
        ok = false;
      }
    }
    Class<?>[] types = definition.body().getParameterTypes();
    List<String> names = definition.parameters();
    Object[] out = new Object[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String p = names.get(i);
      Object value;
      if (given.containsKey(p)) {
        value = given.get(p);
      } else if (definition.defaults().containsKey(p)) {
        value = definition.defaults().get(p).call();
      } else {
        error(here, "class '" + definition.name() + "' needs parameter '" + p + "'");
        ok = false;
        continue;
      }
      Class<?> type = i < types.length ? types[i] : Object.class;
      Optional<Object> coerced = ClassParameters.coerce(value, type);
      if (coerced.isEmpty()) {
        error(here, "parameter '" + p + "' of class '" + definition.name() + "' must be "
            + type.getSimpleName() + ", got " + ResourceRules.describe(value));
        ok = false;
      } else {
        out[i] = coerced.get() == ClassParameters.NULL ? null : coerced.get();
      }
    }
    return ok ? out : null;
  }

  // ---- resources ----

  Object resourceCall(String type, Object[] args, boolean insideBody) {
    SourceLocation here = caller();
    if (DSL_FUNCTIONS.contains(type)) {
      error(here, type + "() does not take these arguments: "
          + java.util.Arrays.stream(args).map(ResourceRules::describe)
              .collect(Collectors.joining(", ")));
      return null;
    }
    Optional<ResourceTypeSpec> spec = ResourceTypes.find(type);
    if (spec.isEmpty()) {
      error(here, "unknown resource type '" + type + "'");
      return new Reference(type, "?", here, false);
    }
    Map<?, ?> named = null;
    String title = null;
    Closure<?> body = null;
    for (Object a : args) {
      if (a instanceof Map<?, ?> m && named == null && title == null) {
        named = m;
      } else if (a instanceof CharSequence s && title == null) {
        title = s.toString();
      } else if (a instanceof Closure<?> c && body == null) {
        body = c;
      } else {
        error(here, type + "() takes a title, named parameters and a body, got "
            + ResourceRules.describe(a));
        return new Reference(type, "?", here, false);
      }
    }
    if (title == null) {
      error(here, type + "() needs a title, e.g. " + type + "('name')");
      return new Reference(type, "?", here, false);
    }
    String titleError = ResourceRules.checkTitle(type, title);
    if (titleError != null) {
      error(here, titleError);
      return new Reference(type, title, here, false);
    }
    if (named == null && body == null) {
      Reference ref = new Reference(type, title, here, true);
      if (!insideBody) {
        candidates.add(ref);
      }
      return ref;
    }
    ResourceDecl decl = new ResourceDecl(spec.get(), title, here, containers);
    if (named != null) {
      for (Map.Entry<?, ?> e : named.entrySet()) {
        applyNamed(decl, String.valueOf(e.getKey()), e.getValue());
      }
    }
    if (body != null) {
      body.setResolveStrategy(Closure.DELEGATE_FIRST);
      body.setDelegate(new ResourceBody(this, decl, body.getThisObject()));
      body.call();
    }
    declare(decl);
    Reference ref = new Reference(type, title, here, true);
    ref.markUsed();
    return ref;
  }

  private void applyNamed(ResourceDecl decl, String name, Object value) {
    switch (name) {
      case "requires" -> relate(decl, EdgeKind.REQUIRES, new Object[] {value});
      case "before" -> relate(decl, EdgeKind.BEFORE, new Object[] {value});
      case "notifies" -> relate(decl, EdgeKind.NOTIFIES, new Object[] {value});
      case "subscribes" -> relate(decl, EdgeKind.SUBSCRIBES, new Object[] {value});
      case "noop" -> setNoop(decl, value);
      default -> {
        if (decl.spec.parameter(name).isPresent()) {
          setParameter(decl, name, value);
        } else {
          unknownParameter(decl, name);
        }
      }
    }
  }

  private void declare(ResourceDecl decl) {
    for (String problem : ResourceRules.crossCheck(decl.spec.name(), decl.key(), decl.parameters)) {
      error(decl.location, problem);
    }
    ResourceDecl first = resources.get(decl.key());
    if (first != null) {
      error(decl.location, "duplicate declaration of " + decl.key() + ": first declared at "
          + Locations.format(first.location) + ", again at " + Locations.format(decl.location));
      return;
    }
    resources.put(decl.key(), decl);
  }

  /** A body-less reference never used in a relationship declares the resource, unless it exists. */
  private void declareUnusedCandidates() {
    for (Reference r : candidates) {
      if (!r.used() && !resources.containsKey(r.key())) {
        ResourceTypeSpec spec = ResourceTypes.find(r.type()).orElseThrow();
        resources.put(r.key(), new ResourceDecl(spec, r.title(), r.location(), List.of()));
      }
    }
  }

  void setParameter(ResourceDecl decl, String name, Object value) {
    ParameterSpec p = decl.spec.parameter(name).orElseThrow();
    try {
      decl.parameters.put(name, ResourceRules.normalize(decl.key(), p, value));
    } catch (ResourceRules.InvalidValue e) {
      error(e.getMessage());
    }
  }

  void setNoop(ResourceDecl decl, Object value) {
    if (value instanceof Boolean b) {
      decl.noop = b;
    } else {
      error("noop of " + decl.key() + " must be true or false, got "
          + ResourceRules.describe(value));
    }
  }

  void unknownParameter(ResourceDecl decl, String name) {
    List<String> known = new ArrayList<>(decl.spec.parametersByName().keySet());
    known.addAll(META_PARAMETERS);
    error("unknown parameter '" + name + "' for " + decl.key() + " (known: "
        + String.join(", ", known) + ")");
  }

  void relate(ResourceDecl decl, EdgeKind kind, Object[] targets) {
    SourceLocation here = caller();
    List<Object> flat = new ArrayList<>();
    flatten(targets, flat);
    if (flat.isEmpty()) {
      error(here, verb(kind) + " of " + decl.key() + " names no resource");
    }
    for (Object t : flat) {
      if (t instanceof Reference r) {
        r.markUsed();
        if (r.valid()) {
          decl.relations.add(new ResourceDecl.Relation(kind, r.key(), here));
        }
      } else if (t instanceof CharSequence s) {
        try {
          decl.relations.add(new ResourceDecl.Relation(kind,
              ResourceKey.parse(s.toString()).toString(), here));
        } catch (IllegalArgumentException e) {
          error(here, verb(kind) + " of " + decl.key() + ": " + e.getMessage());
        }
      } else {
        error(here, verb(kind) + " of " + decl.key()
            + " takes resource references like file('/x'), got " + ResourceRules.describe(t));
      }
    }
  }

  private static void flatten(Object value, List<Object> out) {
    if (value instanceof Object[] array) {
      for (Object o : array) {
        flatten(o, out);
      }
    } else if (value instanceof Iterable<?> items) {
      for (Object o : items) {
        flatten(o, out);
      }
    } else {
      out.add(value);
    }
  }

  private static String verb(EdgeKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  // ---- templates ----

  String template(String path, Map<String, ?> vars) {
    Map<String, Object> binding = new HashMap<>();
    binding.put("node", nodeName);
    binding.put("facts", facts);
    vars.forEach((k, v) -> binding.put(String.valueOf(k), v));
    try {
      return code.templates().render(path, binding);
    } catch (Templates.TemplateProblem problem) {
      error(problem.location().orElseGet(this::caller), problem.getMessage());
      return "";
    }
  }

  // ---- after evaluation ----

  private List<Edge> resolveEdges() {
    List<Edge> edges = new ArrayList<>();
    Map<String, SourceLocation> declaredAt = new HashMap<>();
    for (ResourceDecl d : resources.values()) {
      for (ResourceDecl.Relation r : d.relations) {
        if (!resources.containsKey(r.target())) {
          error(r.location(), d.key() + " " + verb(r.kind()) + " " + r.target()
              + ", which is not declared in this catalog");
          continue;
        }
        edges.add(Edge.newBuilder().setSource(d.key()).setKind(r.kind())
            .setTarget(r.target()).build());
        declaredAt.putIfAbsent(d.key() + "\n" + r.kind() + "\n" + r.target(), r.location());
      }
    }
    Cycles.find(edges).ifPresent(cycle -> {
      Edge first = cycle.edge();
      SourceLocation at = declaredAt.get(first.getSource() + "\n" + first.getKind() + "\n"
          + first.getTarget());
      error(at, "dependency cycle: " + String.join(" -> ", cycle.path()));
    });
    return edges;
  }

  // ---- errors ----

  private SourceLocation caller() {
    return Locations.caller(code.scriptFiles(), code.main().relativeName());
  }

  void error(String message) {
    error(caller(), message);
  }

  void error(SourceLocation location, String message) {
    errors.add(compileError(
        location == null ? Locations.at(code.main().relativeName(), 0) : location, message));
  }

  private static CompileError compileError(SourceLocation location, String message) {
    return CompileError.newBuilder().setLocation(location).setMessage(message).build();
  }

  private String timeoutMessage() {
    return "compile exceeded the time limit of " + timeLimit.toMillis() / 1000.0
        + " s and was stopped";
  }

  private void failed(Throwable thrown) {
    Throwable t = unwrap(thrown);
    SourceLocation at = Locations.of(t, code.scriptFiles())
        .orElse(Locations.at(code.main().relativeName(), 0));
    String message;
    if (t instanceof InterruptedException) {
      message = timeoutMessage();
    } else if (t instanceof MissingPropertyException m) {
      message = "no variable or property '" + m.getProperty() + "' here";
    } else if (t instanceof MissingMethodException m) {
      message = "no method " + m.getMethod() + "() for these arguments";
    } else if (t instanceof StackOverflowError) {
      message = "stack overflow (endless recursion?)";
    } else if (t instanceof Templates.TemplateProblem p) {
      message = p.getMessage();
    } else {
      String detail = t.getMessage();
      message = detail == null ? t.getClass().getSimpleName()
          : t.getClass().getSimpleName() + ": " + detail;
    }
    error(at, message);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof InvokerInvocationException
        || current instanceof InvocationTargetException) && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
