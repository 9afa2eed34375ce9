package dev.stead.dsl.internal;

import dev.stead.dsl.CompileException;
import dev.stead.dsl.LookupExplanation;
import dev.stead.dsl.MergeStrategy;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.CompileError;
import dev.stead.proto.v1.Edge;
import dev.stead.proto.v1.EdgeKind;
import dev.stead.proto.v1.ParameterOrigin;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SourceLocation;
import dev.stead.types.ParameterSpec;
import dev.stead.types.ResourceTypeSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.SecretBlob;
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
import java.util.Objects;
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
  private static final Set<String> DSL_FUNCTIONS =
      Set.of("node", "klass", "define", "include", "template", "lookup", "defaults",
          "secret", "noop", "mode", "contain", "tag", "virtual", "realize", "fail", "warning",
          "notice", "defined", "export", "collect", "fleetFacts");
  private static final Pattern NULL_READ =
      Pattern.compile("Cannot get property '([^']*)' on null object");
  private static final Pattern DEFINED_TYPE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  /** Defaults per evaluation; {@link Limits} carries the configured ones. */
  static final int DEFAULT_MAX_RESOURCES = 50_000;
  // A list, not Set.of: error messages list these and must not change order between JVMs.
  private static final List<String> META_PARAMETERS =
      List.of("requires", "before", "notifies", "subscribes", "noop", "tag");
  private static final Map<String, EdgeKind> RELATION_NAMES = Map.of(
      "requires", EdgeKind.REQUIRES, "before", EdgeKind.BEFORE,
      "notifies", EdgeKind.NOTIFIES, "subscribes", EdgeKind.SUBSCRIBES);

  private record NodeBlock(String label, String exact, Pattern pattern, Closure<?> body,
      SourceLocation location) {}

  private record Inclusion(Map<String, Object> parameters, SourceLocation location) {}

  /** A class, node block or defined type instance: where resource defaults apply. */
  private static final class Scope {
    final Map<String, Map<String, Object>> defaults = new HashMap<>();
    /** {@code defaults('file', noop: x)}: per type, for resources declared later here. */
    final Map<String, Boolean> noopDefaults = new HashMap<>();
    /**
     * The noop of resources declared from now on in this scope that set none themselves: the
     * container's (inherited, or {@code noop:} on its declaration), then {@code noop x} here.
     * Null is "not set" (false in the catalog).
     */
    Boolean noop;

    Scope(Boolean noop) {
      this.noop = noop;
    }
  }

  /**
   * A relationship declared apart from its subject's body: on a defined type instance or a
   * class (given to each resource inside), or by chaining ({@code a >> b}).
   */
  private record InstanceRelation(String instance, ResourceDecl.Relation relation) {}

  /** Lookup failed for a key without a default; ends evaluation at the caller's line. */
  static final class DataMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DataMissing(String message) {
      super(message);
    }
  }

  /** Code that uses the language wrongly in a recognisable way; ends evaluation at its line. */
  static final class Misuse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Misuse(String message) {
      super(message);
    }
  }

  /** {@code fail('why')}: ends evaluation; its error is already recorded at the caller. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** The catalog grew past its bound; ends evaluation. */
  static final class CatalogTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CatalogTooLarge(String message) {
      super(message);
    }
  }

  private final CodeBase code;
  private final String nodeName;
  private final Map<String, Object> facts;
  private final Map<String, Object> trusted;
  private final Duration timeLimit;
  /** Bytes one compile may allocate ({@link TimeLimit}); set by {@link #memoryLimit}. */
  private long memoryLimit = Long.MAX_VALUE;
  private final int maxResources;
  private final Map<String, ClassDefinition> definedTypes = new HashMap<>();
  private final Map<String, SourceLocation> instances = new HashMap<>();
  private final List<InstanceRelation> instanceRelations = new ArrayList<>();
  private final java.util.ArrayDeque<Scope> scopes = new java.util.ArrayDeque<>();
  private final Map<Reference, Map<String, Object>> candidateDefaults = new HashMap<>();
  /** The noop a body-less declaration gets if it ends up declared (its scope's, at the call). */
  private final Map<Reference, Boolean> candidateNoop = new HashMap<>();
  private final Set<CompileError> errors = new LinkedHashSet<>();
  /** Old-syntax templates already warned about in this compile. */
  private final Set<String> oldTemplatesWarned = new java.util.HashSet<>();
  /** What warning() and notice() said, "level: file:line: text", in order. */
  private final List<String> messages = new ArrayList<>();
  /** Sandbox refusals seen, reported even when user code caught them. */
  private final List<SandboxViolation> violations = new ArrayList<>();
  private final List<NodeBlock> nodeBlocks = new ArrayList<>();
  private final Map<String, ClassDefinition> classDefinitions = new HashMap<>();
  private final Set<String> loadedModules = new LinkedHashSet<>();
  private final Map<String, Inclusion> included = new HashMap<>();
  private final List<String> classes = new ArrayList<>();
  private final List<String> containers = new ArrayList<>();
  /** The classes being evaluated, innermost last: the last owns what is declared now. */
  private final List<String> classStack = new ArrayList<>();
  /** Per class, the classes it contains ({@code contain 'x'}): ordered with it. */
  private final Map<String, Set<String>> contained = new HashMap<>();
  private final ResourceTagging tagging = new ResourceTagging(this::error);
  /** The owning class a body-less declaration gets if it ends up declared. */
  private final Map<Reference, String> candidateOwner = new HashMap<>();
  /**
   * The containers a body-less declaration gets if it ends up declared: like any resource,
   * those of the scope it was written in (its tags and class membership follow from them).
   */
  private final Map<Reference, List<String>> candidateContainers = new HashMap<>();
  /** Declared inside {@code virtual { }}: not managed unless realized. */
  private final VirtualResources virtuals = new VirtualResources();
  /** Declared inside {@code export { }}, and the {@code collect} requests. */
  private final Exports exports = new Exports();
  /** What this compile may read of the other nodes of its environment. */
  private dev.stead.dsl.FleetView fleet = dev.stead.dsl.FleetView.NONE;
  /** Whether the code called {@code fleetFacts}: the catalog then depends on the fleet's facts. */
  private boolean fleetFactsRead;
  private final Map<String, ResourceDecl> resources = new LinkedHashMap<>();
  private final List<Reference> candidates = new ArrayList<>();
  /** Directories whose source is a module directory, expanded once all is declared. */
  private final List<ResourceDecl> trees = new ArrayList<>();
  private boolean nodeSelected;
  /** When set ({@code stead validate}), the node block with this label is used whatever the node. */
  private String forcedBlock;
  private String matchedNode = "";
  private final DataHierarchy.Paths dataPaths = new DataHierarchy.Paths();
  /**
   * Values that data lookups returned, by identity, with the data that supplied them: a
   * parameter set to one of these objects is exactly that lookup's value (a value computed
   * from it is a new object). Values the JVM shares (booleans, small integers, null) are
   * left out, since identity proves nothing for them.
   */
  private final Map<Object, ParameterOrigin> dataOrigins = new java.util.IdentityHashMap<>();

  public Evaluation(CodeBase code, String nodeName, Map<String, Object> facts,
      Duration timeLimit) {
    this(code, nodeName, facts, Map.of("certname", nodeName, "extensions", Map.of()), timeLimit,
        DEFAULT_MAX_RESOURCES);
  }

  /**
   * @param trusted what {@code trusted} reads in code (certname, extensions), from the certificate
   * @param maxResources the most resources one catalog may hold
   */
  public Evaluation(CodeBase code, String nodeName, Map<String, Object> facts,
      Map<String, Object> trusted, Duration timeLimit, int maxResources) {
    this.code = code;
    this.nodeName = nodeName;
    this.facts = facts;
    this.trusted = trusted;
    this.timeLimit = timeLimit;
    this.maxResources = maxResources;
  }

  static Evaluation current() {
    Evaluation e = CURRENT.get();
    if (e == null) {
      throw new IllegalStateException("Stead code can only run inside a compile");
    }
    return e;
  }

  /** Remembers a refusal of the compile running on this thread, if any. */
  static void recordViolation(SandboxViolation v) {
    Evaluation e = CURRENT.get();
    if (e != null) {
      e.violations.add(v);
    }
  }

  /** Places a refusal recorded on this thread at {@code where} (a template's line). */
  static void placeViolation(SandboxViolation v, SourceLocation where) {
    Evaluation e = CURRENT.get();
    if (e != null) {
      e.violations.replaceAll(x -> x == v ? v.at(where) : x);
    }
  }

  Map<String, Object> facts() {
    return facts;
  }

  Map<String, Object> trusted() {
    return trusted;
  }

  String nodeName() {
    return nodeName;
  }

  /** Compiles: evaluates under the time limit, then validates and seals. */
  public Catalog compile() throws CompileException {
    TimeLimit.Stop stop = TimeLimit.run(timeLimit, memoryLimit, this::evaluate);
    boolean timedOut = stop != TimeLimit.Stop.NONE;
    for (SandboxViolation v : violations) {
      // Refusals the code caught and went on: still errors.
      error(v.location().or(() -> Locations.of(v, code.scriptFiles()))
          .orElse(Locations.at(code.main().relativeName(), 0)), v.getMessage());
    }
    if (timedOut && errors.stream().noneMatch(e -> e.getMessage().equals(stopMessage(stop)))) {
      error(Locations.at(code.main().relativeName(), 0), stopMessage(stop));
    }
    if (errors.isEmpty()) {
      declareUnusedCandidates();
    }
    if (errors.isEmpty()) {
      expandTrees();
      refuseLinesInManagedContent();
    }
    List<Edge> edges = resolveEdges();
    List<dev.stead.proto.v1.ModuleFact> moduleFacts = ModuleFacts.of(code, loadedModules,
        (file, problem) -> error(Locations.at(file, 0), problem));
    if (!errors.isEmpty()) {
      throw new CompileException(new ArrayList<>(errors));
    }
    Catalog.Builder catalog = Catalog.newBuilder()
        .setNode(nodeName)
        .setCodeVersion(code.codeVersion())
        .setEnvironment(code.environment())
        .setMatchedNode(matchedNode)
        .addAllClasses(classes)
        .addAllEdges(edges)
        .addAllCompileMessages(messages)
        .addAllModuleFacts(moduleFacts);
    for (ResourceDecl d : resources.values()) {
      catalog.addResources(toResource(d));
    }
    for (ResourceDecl d : exports.declared()) {
      catalog.addExports(toResource(d));
    }
    return Catalogs.seal(catalog.build());
  }

  private Resource toResource(ResourceDecl d) {
    return Resource.newBuilder()
        .setType(d.spec.name())
        .setTitle(d.title)
        .putAllParameters(Values.ofMap(d.parameters))
        .addAllOrigins(d.origins.values())
        .setSource(d.location)
        .addAllContainers(d.containers)
        .setNoop(Boolean.TRUE.equals(d.noop))
        .addAllTags(tagging.given(d))
        .setExported(d.exported)
        .build();
  }

  /** Compiles with {@code fleet} as what {@code collect} and {@code fleetFacts} read. */
  public Evaluation fleet(dev.stead.dsl.FleetView fleet) {
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    return this;
  }

  /** The resource types this compile collected, in the order first asked (once compiled). */
  public List<String> collectedTypes() {
    return exports.collectedTypes();
  }

  /** Whether this compile read the fleet's facts (once compiled). */
  public boolean fleetFactsRead() {
    return fleetFactsRead;
  }

  private void evaluate() {
    CURRENT.set(this);
    try {
      scopes.push(new Scope(null));
      code.main().newInstance().run();
      NodeBlock block = selectNode();
      nodeSelected = true;
      if (block != null) {
        matchedNode = block.label();
        scopes.push(new Scope(scopes.peek().noop));
        block.body().call();
      }
      // Queries run user code (filters), so they are resolved here, within the time limit.
      if (errors.isEmpty() && violations.isEmpty()) {
        realizeVirtuals();
      }
      if (errors.isEmpty() && violations.isEmpty()) {
        collectExports();
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

  /** Bounds the bytes this compile may allocate; it is stopped past them. */
  public Evaluation memoryLimit(long bytes) {
    this.memoryLimit = bytes;
    return this;
  }

  /** Evaluates the node block labelled {@code label} (as a catalog records it) for any node. */
  public Evaluation forceNodeBlock(String label) {
    this.forcedBlock = label;
    return this;
  }

  /**
   * Runs only the main file and returns the labels of its node blocks ({@code web01},
   * {@code /^db\d+/}, {@code default}), or throws with the errors of running it.
   */
  public List<String> nodeBlockLabels() throws CompileException {
    TimeLimit.run(timeLimit, () -> {
      CURRENT.set(this);
      try {
        code.main().newInstance().run();
      } catch (Throwable t) {
        failed(t);
      } finally {
        CURRENT.remove();
      }
    });
    for (SandboxViolation v : violations) {
      error(v.location().or(() -> Locations.of(v, code.scriptFiles()))
          .orElse(Locations.at(code.main().relativeName(), 0)), v.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new CompileException(new ArrayList<>(errors));
    }
    return nodeBlocks.stream().map(NodeBlock::label).toList();
  }

  /** A class parameter as declared: its name and the type its data must coerce to. */
  public record DeclaredParameter(String name, Class<?> type) {}

  /**
   * Runs the main file and every module's manifests (no node block) and returns each class
   * declared, with its parameters in order, for checks made without a node; or throws with
   * the errors of running them.
   */
  public Map<String, List<DeclaredParameter>> declaredClasses() throws CompileException {
    TimeLimit.run(timeLimit, () -> {
      CURRENT.set(this);
      try {
        code.main().newInstance().run();
        for (ModuleCode module : code.modules().values()) {
          if (loadedModules.add(module.name())) {
            loadModule(module);
          }
        }
      } catch (Throwable t) {
        failed(t);
      } finally {
        CURRENT.remove();
      }
    });
    if (!errors.isEmpty()) {
      throw new CompileException(new ArrayList<>(errors));
    }
    Map<String, List<DeclaredParameter>> out = new java.util.TreeMap<>();
    classDefinitions.forEach((name, definition) -> {
      Class<?>[] types = definition.body().getParameterTypes();
      List<DeclaredParameter> parameters = new ArrayList<>();
      for (int i = 0; i < definition.parameters().size(); i++) {
        parameters.add(new DeclaredParameter(definition.parameters().get(i),
            i < types.length ? types[i] : Object.class));
      }
      out.put(name, List.copyOf(parameters));
    });
    return out;
  }

  private NodeBlock selectNode() {
    if (forcedBlock != null) {
      for (NodeBlock b : nodeBlocks) {
        if (b.label().equals(forcedBlock)) {
          return b;
        }
      }
    }
    for (NodeBlock b : nodeBlocks) {
      if (b.exact() != null && b.exact().equals(nodeName)) {
        return b;
      }
    }
    for (NodeBlock b : nodeBlocks) {
      if (b.pattern() != null && BoundedRegex.matcher(b.pattern(), nodeName).find()) {
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
    if (parameters != null && parameters.containsKey("noop")) {
      error(here, "class '" + name + "' cannot have a parameter named 'noop': noop is a"
          + " metaparameter (include '" + name + "', noop: true)");
      return;
    }
    if (parameters != null && parameters.containsKey("mode")) {
      error(here, "class '" + name + "' cannot have a parameter named 'mode': mode is a"
          + " metaparameter (include '" + name + "', mode: 'audit')");
      return;
    }
    classDefinitions.put(name, definition(name, parameters, body, here));
  }

  /**
   * A class or defined type as declared: parameter names in declaration order, and the
   * default-value closures of those that have one (a null closure means "required").
   */
  private static ClassDefinition definition(String name, Map<String, Closure<?>> parameters,
      Closure<?> body, SourceLocation here) {
    List<String> names = parameters == null ? List.of() : List.copyOf(parameters.keySet());
    Map<String, Closure<?>> defaults = new HashMap<>();
    if (parameters != null) {
      parameters.forEach((k, v) -> {
        if (v != null) {
          defaults.put(k, v);
        }
      });
    }
    return new ClassDefinition(name, names, defaults, body, here);
  }

  void include(String name, Map<String, ?> rawParameters) {
    include(name, rawParameters, null);
  }

  /** As above, called at {@code site} when it is known (else the stack is walked for it). */
  void include(String name, Map<String, ?> rawParameters, SourceLocation site) {
    SourceLocation here = site != null ? site : caller();
    if (virtuals.active()) {
      error(here, "virtual { } declares resources only; include '" + name + "' outside it");
      return;
    }
    if (exports.active()) {
      error(here, "export { } declares resources only; include '" + name + "' outside it");
      return;
    }
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
    // noop is a metaparameter, not a class parameter: it stays in `given` above, so including
    // the class again with another noop is a conflict, and is taken out before binding.
    Map<String, Object> parameters = new TreeMap<>(given);
    for (Map.Entry<String, EdgeKind> relation : RELATION_NAMES.entrySet()) {
      if (parameters.containsKey(relation.getKey())) {
        List<ResourceDecl.Relation> out = new ArrayList<>();
        relateInstance(out, "class[" + name + "]", relation.getValue(),
            new Object[] {parameters.remove(relation.getKey())}, here);
        out.forEach(r -> instanceRelations.add(new InstanceRelation("class[" + name + "]", r)));
      }
    }
    Boolean declaredNoop = parameters.containsKey("noop")
        ? noopValue(parameters.remove("noop"), "class '" + name + "'", here) : null;
    if (parameters.containsKey("mode")) {
      // mode: 'audit' is noop: true by its name; saying both could only contradict itself.
      Object mode = parameters.remove("mode");
      if (given.containsKey("noop")) {
        error(here, "class '" + name + "' is given both mode and noop: give one (mode: 'audit'"
            + " is noop: true)");
      } else {
        declaredNoop = modeValue(mode, "class '" + name + "'", here);
      }
    }
    Object[] arguments = bind(definition, parameters, here);
    if (arguments == null) {
      return;
    }
    classes.add(name);
    containers.add(name);
    classStack.add(name);
    scopes.push(new Scope(declaredNoop != null ? declaredNoop : scopeNoop()));
    try {
      definition.body().call(arguments);
    } finally {
      scopes.pop();
      classStack.remove(classStack.size() - 1);
      containers.remove(containers.size() - 1);
    }
  }

  /**
   * {@code contain 'x'}: includes {@code x} and keeps its resources inside the current class
   * for ordering, so a relationship with this class reaches them too. At node level it is
   * {@code include}.
   */
  void contain(String name, Map<String, ?> parameters) {
    SourceLocation here = caller();
    include(name, parameters, here);
    if (!classStack.isEmpty()) {
      contained.computeIfAbsent(classStack.get(classStack.size() - 1),
          k -> new LinkedHashSet<>()).add(name);
    }
  }

  /** {@code klass('base')}: a reference to a class, for relationships. */
  Reference classReference(String name) {
    SourceLocation here = caller();
    if (name == null || name.isEmpty()) {
      error(here, "klass() needs a class name");
      return new Reference("class", "?", here, false);
    }
    Reference ref = new Reference("class", name, here, true);
    ref.markUsed();
    return ref;
  }

  /**
   * {@code a >> b} ({@code kind} BEFORE) and {@code a >>> b} (NOTIFIES): {@code from} is
   * applied before each of {@code to}, and notifies them for {@code >>>}. Returns {@code to},
   * so that {@code a >> b >> c} chains.
   */
  Object chain(Reference from, Object to, EdgeKind kind) {
    SourceLocation here = caller();
    from.markUsed();
    if (from.valid()) {
      List<ResourceDecl.Relation> out = new ArrayList<>();
      relateInstance(out, from.key(), kind, new Object[] {to}, here);
      out.forEach(r -> instanceRelations.add(new InstanceRelation(from.key(), r)));
    }
    return to;
  }

  /** {@code tag 'a', 'b'} in a class or defined type body: every resource inside gets them. */
  void scopeTag(Object[] values) {
    SourceLocation here = caller();
    if (containers.isEmpty()) {
      error(here, "tag belongs in a class, defined type or resource body");
      return;
    }
    tagging.tagContainer(containers.get(containers.size() - 1), values, here);
  }

  /** {@code vhost('shop') { tag 'x' }}: every resource of the instance gets the tags. */
  void tagContainer(String key, Object values) {
    tagging.tagContainer(key, values, caller());
  }

  /** Adds tags (a tag or lists of them) to {@code out}; errors at {@code here}. */
  void addTags(Set<String> out, Object values, SourceLocation here) {
    tagging.add(out, values, here);
  }

  // ---- virtual resources ----

  /** {@code virtual { file('/x') { } }}: declares the resources inside without managing them. */
  void virtual(Closure<?> body) {
    virtuals.enter();
    try {
      body.call();
    } finally {
      virtuals.exit();
    }
  }

  /** {@code realize(user('bob'), pkg('x'))}: the virtual resources named are managed. */
  void realize(Object[] targets) {
    if (targets.length == 1 && targets[0] instanceof CharSequence text
        && text.toString().indexOf('[') < 0 && ResourceTypes.find(text.toString()).isPresent()) {
      // realize('user'): a query naming only a type, as collect('user') is.
      realize(text.toString(), Map.of(), null);
      return;
    }
    SourceLocation here = caller();
    List<Object> flat = new ArrayList<>();
    ResourceTagging.flatten(targets, flat);
    if (flat.isEmpty()) {
      error(here, "realize() names no resource: realize(user('bob')) or realize('user', tag: 'x')");
    }
    for (Object t : flat) {
      if (t instanceof Reference r) {
        r.markUsed();
        if (r.valid()) {
          virtuals.realize(r.key(), here);
        }
      } else if (t instanceof CharSequence text) {
        try {
          virtuals.realize(ResourceKey.parse(text.toString()).toString(), here);
        } catch (IllegalArgumentException e) {
          error(here, "realize(): " + e.getMessage());
        }
      } else {
        error(here, "realize() takes references like user('bob'), got "
            + ResourceRules.describe(t));
      }
    }
  }

  /**
   * {@code realize('user', tag: 'admins') { filter }}: every virtual {@code user} the query
   * matches (the query syntax {@code collect} shares).
   */
  void realize(String type, Map<?, ?> options, Closure<?> filter) {
    ResourceQuery query = ResourceQuery.parse("realize", type, options, filter, caller(),
        tagging, this::error);
    if (query != null) {
      virtuals.realize(query);
    }
  }

  /** Moves the realized virtual resources into the catalog; realizing one twice is harmless. */
  private void realizeVirtuals() {
    for (ResourceDecl v : virtuals.resolve(resources, tagging::all, nodeName, this::error)) {
      if (resources.size() >= maxResources) {
        error(v.location, "catalog has more than " + maxResources
            + " resources, the most one catalog may hold");
        return;
      }
      resources.put(v.key(), v);
      if (SourceTrees.isTree(v)) {
        trees.add(v);
      }
    }
  }

  // ---- exported resources and the fleet ----

  /** {@code export { host('x') { } }}: offered to the environment's nodes, not managed here. */
  void export(Closure<?> body) {
    SourceLocation here = caller();
    if (virtuals.active() || exports.active()) {
      error(here, "export { } cannot stand inside virtual { } or another export { }");
      return;
    }
    exports.enter();
    try {
      body.call();
    } finally {
      exports.exit();
    }
  }

  /**
   * {@code collect('host', tag: 'web') { filter }}: the matching resources that nodes of this
   * environment export (this one included) are declared here.
   */
  void collect(String type, Map<?, ?> options, Closure<?> filter) {
    SourceLocation here = caller();
    if (virtuals.active() || exports.active()) {
      error(here, "collect() cannot stand inside virtual { } or export { }");
      return;
    }
    ResourceQuery query = ResourceQuery.parse("collect", type, options, filter, here, tagging,
        this::error);
    if (query != null) {
      exports.collect(new Exports.Collect(query, List.copyOf(containers),
          classStack.isEmpty() ? null : classStack.get(classStack.size() - 1),
          inheritedNoop(type)));
    }
  }

  /** Declares the collected resources; each resource once, whichever requests named it. */
  private void collectExports() {
    for (ResourceDecl d : exports.resolve(fleet, nodeName, resources,
        key -> virtuals.get(key) != null, tagging::all, this::error)) {
      if (resources.size() >= maxResources) {
        error(d.location, "catalog has more than " + maxResources
            + " resources, the most one catalog may hold");
        return;
      }
      resources.put(d.key(), d);
    }
  }

  /**
   * {@code fleetFacts('networking.ip') { it.facts.role == 'web' }}: the value at an allowed
   * fact path of each node of this environment that has it and that the filter keeps.
   */
  List<Map<String, Object>> fleetFacts(String path, Closure<?> filter) {
    SourceLocation here = caller();
    String problem = dev.stead.dsl.FleetView.factPathProblem(path);
    if (problem != null) {
      error(here, "fleetFacts(): " + problem);
      return List.of();
    }
    if (!fleet.allows(path)) {
      error(here, "fleetFacts('" + path + "'): " + path + " is not in the fleet facts"
          + " allowlist (" + fleet.allowlist() + (fleet.allowedFacts().isEmpty()
              ? ", which allows no fact" : ", which allows " + String.join(", ",
                  fleet.allowedFacts())) + ")");
      return List.of();
    }
    fleetFactsRead = true;
    return FleetFacts.select(fleet, path, filter);
  }

  private ClassDefinition lookupClass(String name) {
    ClassDefinition found = classDefinitions.get(name);
    if (found != null) {
      return found;
    }
    String moduleName = name.contains("::") ? name.substring(0, name.indexOf("::")) : name;
    if (loadedModules.add(moduleName)) {
      Optional<ModuleCode> module = code.module(moduleName);
      module.ifPresent(this::loadModule);
    }
    return classDefinitions.get(name);
  }

  private void loadModule(ModuleCode module) {
    for (CompiledScript manifest : module.manifests()) {
      manifest.newInstance().run();
    }
  }

  /** Positional arguments for the class body, or null after recording why there are none. */
  /**
   * Arguments come from, in order: the include or declaration, the data hierarchy (key
   * {@code class::parameter}, classes only), the parameter's default.
   */
  private Object[] bind(ClassDefinition definition, Map<String, Object> given,
      SourceLocation here) {
    return bind(definition, given, here, null);
  }

  /** As above; a defined type instance passes its title, which goes first and is not looked up. */
  private Object[] bind(ClassDefinition definition, Map<String, Object> given,
      SourceLocation here, String title) {
    String what = (title == null ? "class '" : "defined type '") + definition.name() + "'";
    boolean ok = true;
    for (String key : given.keySet()) {
      if (!definition.parameters().contains(key)) {
        error(here, what + " has no parameter '" + key + "'"
            + (definition.parameters().isEmpty() ? ""
                : " (it has " + String.join(", ", definition.parameters()) + ")"));
        ok = false;
      }
    }
    Class<?>[] types = definition.body().getParameterTypes();
    int offset = title == null ? 0 : 1;
    List<String> names = definition.parameters();
    Object[] out = new Object[names.size() + offset];
    if (title != null) {
      out[0] = title;
    }
    for (int i = 0; i < names.size(); i++) {
      String p = names.get(i);
      Object value;
      LookupExplanation data = null;
      if (given.containsKey(p)) {
        value = given.get(p);
      } else if (title == null
          && (data = lookupData(definition.name() + "::" + p, null)).found()) {
        // The same conversion lookup() makes: an encrypted value stays a secret, also in a
        // list or a map, instead of reaching a resource as the blob's text.
        value = SecretFunction.fromData(data.value().orElse(null));
      } else if (definition.defaults().containsKey(p)) {
        value = title == null ? definition.defaults().get(p).call()
            : definition.defaults().get(p).call(title);
      } else {
        error(here, what + " needs parameter '" + p + "'"
            + (data == null || data.steps().isEmpty() ? "" : ": not passed, and no data for '" + data.key() + "' in "
                + String.join(", ", data.filesSearched())));
        ok = false;
        continue;
      }
      Class<?> type = i + offset < types.length ? types[i + offset] : Object.class;
      Optional<Object> coerced = ClassParameters.coerce(value, type);
      if (coerced.isEmpty() && value instanceof SecretBlob) {
        error(here, "parameter '" + p + "' of " + what + " is declared "
            + type.getSimpleName() + " but its value is a secret"
            + (data != null && data.found() ? " (from " + data.filesUsed().get(0) + ")" : "")
            + ": declare it without a type so the secret reaches the resource unread");
        ok = false;
      } else if (coerced.isEmpty()) {
        error(here, "parameter '" + p + "' of " + what + " must be "
            + type.getSimpleName() + ", got " + ResourceRules.describe(value)
            + (data != null && data.found() ? " (from " + data.filesUsed().get(0) + ")" : ""));
        ok = false;
      } else {
        out[i + offset] = coerced.get() == ClassParameters.NULL ? null : coerced.get();
        if (data != null && data.found()) {
          rememberOrigin(data, out[i + offset]);
        }
      }
    }
    return ok ? out : null;
  }

  // ---- data ----

  /** {@code strategy} null: the key's lookup_options, else first. */
  private LookupExplanation lookupData(String key, MergeStrategy strategy) {
    try {
      LookupExplanation result = code.data().lookup(key, strategy,
          new DataHierarchy.Scope(nodeName, facts, trusted), dataPaths);
      return result;
    } catch (DataHierarchy.MergeProblem p) {
      throw new DataMissing(p.getMessage());
    }
  }

  /**
   * Records that {@code value} is what {@code found} returned, when one data file gave it
   * (a first-found lookup, whether the caller or the key's lookup_options chose it).
   */
  private void rememberOrigin(LookupExplanation found, Object value) {
    if (found.strategy() != MergeStrategy.FIRST || value == null || value instanceof Boolean || value instanceof Character
        || (value instanceof Number n && !(value instanceof Double) && n.longValue() >= -128
            && n.longValue() <= 127)) {
      return;
    }
    String file = found.filesUsed().get(0);
    dataOrigins.putIfAbsent(value, ParameterOrigin.newBuilder().setKey(found.key())
        .setFile(file).setLine(code.data().line(file, found.key())).build());
  }

  /** {@code lookup('key', merge: 'hash', default: x)}; without merge the key's lookup_options decide. */
  Object lookup(String key, Map<?, ?> options) {
    MergeStrategy strategy = null;
    boolean hasDefault = false;
    Object fallback = null;
    for (Map.Entry<?, ?> o : options.entrySet()) {
      String name = String.valueOf(o.getKey());
      if (name.equals("merge")) {
        String label = String.valueOf(o.getValue());
        strategy = MergeStrategy.parse(label).orElseThrow(() -> new DataMissing(
            "lookup('" + key + "'): merge must be one of " + MergeStrategy.labels()
                + ", got '" + label + "'"));
      } else if (name.equals("default")) {
        hasDefault = true;
        fallback = o.getValue();
      } else {
        throw new DataMissing("lookup('" + key + "'): unknown option '" + name
            + "' (known: merge, default)");
      }
    }
    LookupExplanation result = lookupData(key, strategy);
    if (result.found()) {
      Object value = SecretFunction.fromData(result.value().orElse(null));
      rememberOrigin(result, value);
      return value;
    }
    if (hasDefault) {
      return fallback;
    }
    throw new DataMissing("no data for key '" + key + "' (searched "
        + (result.steps().isEmpty() ? "no data files" : String.join(", ", result.filesSearched()))
        + ")");
  }

  // ---- defined types ----

  void defineType(String name, Map<String, Closure<?>> parameters, Closure<?> body) {
    SourceLocation here = caller();
    if (name == null || !DEFINED_TYPE_NAME.matcher(name).matches()) {
      error(here, "define() needs a name of lower-case letters, digits and _, got '" + name + "'");
      return;
    }
    if (ResourceTypes.find(name).isPresent() || DSL_FUNCTIONS.contains(name)) {
      error(here, "'" + name + "' is a resource type or a built-in; choose another name for the defined type");
      return;
    }
    ClassDefinition other = definedTypes.get(name);
    if (other != null) {
      error(here, "defined type '" + name + "' is defined twice: first at "
          + Locations.format(other.location()));
      return;
    }
    if (parameters != null && parameters.containsKey("noop")) {
      error(here, "defined type '" + name + "' cannot have a parameter named 'noop': noop is a"
          + " metaparameter (" + name + "('title', noop: true))");
      return;
    }
    definedTypes.put(name, definition(name, parameters, body, here));
  }

  private ClassDefinition lookupDefinedType(String name) {
    ClassDefinition found = definedTypes.get(name);
    if (found == null) {
      Optional<ModuleCode> module = code.moduleDefining(name);
      if (module.isPresent() && loadedModules.add(module.get().name())) {
        loadModule(module.get());
      }
      found = definedTypes.get(name);
    }
    return found;
  }

  private Object instantiate(ClassDefinition type, Object[] args, SourceLocation here) {
    DeclarationArgs parsed = DeclarationArgs.parse(args);
    if (parsed.rejected() != null) {
      error(here, type.name() + "() takes a title, named parameters and a body, got "
          + ResourceRules.describe(parsed.rejected()));
      return null;
    }
    Map<?, ?> named = parsed.named();
    String title = parsed.title();
    Closure<?> body = parsed.body();
    if (title == null || title.isEmpty()) {
      error(here, type.name() + "() needs a title, e.g. " + type.name() + "('name')");
      return null;
    }
    String key = type.name() + "[" + title + "]";
    if (virtuals.active()) {
      error(here, "virtual { } declares resources only, not defined type instances like " + key);
      return null;
    }
    if (exports.active()) {
      error(here, "export { } declares resources only, not defined type instances like " + key);
      return null;
    }
    if (args.length == 1 && instances.containsKey(key)) {
      // vhost('shop') after the instance exists refers to it, like a resource reference.
      Reference ref = new Reference(type.name(), title, here, true);
      ref.markUsed();
      return ref;
    }
    SourceLocation first = instances.putIfAbsent(key, here);
    if (first != null) {
      error(here, "duplicate declaration of " + key + ": first declared at "
          + Locations.format(first) + ", again at " + Locations.format(here));
      return null;
    }
    InstanceBody collected = new InstanceBody(this, key, type.parameters(),
        body == null ? null : body.getThisObject());
    if (named != null) {
      named.forEach((k, v) -> collected.set(String.valueOf(k), v));
    }
    if (body != null) {
      body.setResolveStrategy(Closure.DELEGATE_FIRST);
      body.setDelegate(collected);
      body.call();
    }
    Map<String, Object> given = new TreeMap<>();
    collected.values().forEach((k, v) -> given.put(k, v instanceof CharSequence s ? s.toString() : v));
    for (ResourceDecl.Relation r : collected.relations()) {
      instanceRelations.add(new InstanceRelation(key, r));
    }
    Object[] arguments = bind(type, given, here, title);
    if (arguments != null) {
      Boolean declaredNoop = collected.noopGiven() ? noopValue(collected.noop(), key, here) : null;
      containers.add(key);
      scopes.push(new Scope(declaredNoop != null ? declaredNoop : scopeNoop()));
      try {
        type.body().call(arguments);
      } finally {
        scopes.pop();
        containers.remove(containers.size() - 1);
      }
    }
    Reference ref = new Reference(type.name(), title, here, true);
    ref.markUsed();
    return ref;
  }

  // ---- resource defaults ----

  /** {@code defaults('file') { mode '0644' }}: parameters for resources declared later in this scope. */
  void defaults(String type, Map<?, ?> named, Closure<?> body) {
    SourceLocation here = caller();
    Optional<ResourceTypeSpec> spec = ResourceTypes.find(type);
    if (spec.isEmpty()) {
      error(here, "defaults(): unknown resource type '" + type + "'");
      return;
    }
    ResourceDecl holder = new ResourceDecl(spec.get(), "defaults", here, List.of());
    if (named != null) {
      named.forEach((k, v) -> applyNamed(holder, String.valueOf(k), v));
    }
    if (body != null) {
      body.setResolveStrategy(Closure.DELEGATE_FIRST);
      body.setDelegate(new ResourceBody(this, holder, body.getThisObject()));
      body.call();
    }
    if (!holder.relations.isEmpty()) {
      error(here, "defaults('" + type + "') may set parameters and noop only, not relationships");
    }
    if (!holder.tags.isEmpty()) {
      error(here, "defaults('" + type + "') may set parameters and noop only, not tags: put tag"
          + " 'x' in the class body to tag everything in it");
    }
    scopes.peek().defaults.computeIfAbsent(type, k -> new TreeMap<>()).putAll(holder.parameters);
    if (holder.noop != null) {
      scopes.peek().noopDefaults.put(type, holder.noop);
    }
  }

  /**
   * {@code defaults(noop: true)} without a type: an error that says what to write. Defaults
   * are per type and stay in their scope; {@code noop true} is the scope-wide form, and unlike
   * defaults it reaches into the classes and instances declared later, so the two stay apart.
   */
  void defaults(Map<?, ?> named) {
    error(caller(), "defaults() needs a resource type, e.g. defaults('file', "
        + named.keySet().stream().map(k -> k + ": ...").collect(Collectors.joining(", ")) + ")"
        + (named.containsKey("noop") ? "; to make everything declared later in this scope noop,"
            + " write noop true" : ""));
  }

  private Map<String, Object> currentDefaults(String type) {
    Scope scope = scopes.peek();
    return scope == null ? Map.of() : scope.defaults.getOrDefault(type, Map.of());
  }

  // ---- noop ----

  /** {@code noop true} in a class body, node block or defined type: for what is declared later. */
  void scopeNoop(Object value) {
    scopeNoop(value, caller());
  }

  private void scopeNoop(Object value, SourceLocation here) {
    Boolean b = noopValue(value, null, here);
    if (b != null && scopes.peek() != null) {
      scopes.peek().noop = b;
    }
  }

  /** The noop the current scope gives what is declared in it now, or null when none is set. */
  private Boolean scopeNoop() {
    Scope scope = scopes.peek();
    return scope == null ? null : scope.noop;
  }

  /**
   * The noop a resource of {@code type} declared now gets when it sets none itself: a
   * {@code defaults('type', noop: x)} of this scope, else the scope's own.
   */
  private Boolean inheritedNoop(String type) {
    Scope scope = scopes.peek();
    if (scope == null) {
      return null;
    }
    Boolean byType = scope.noopDefaults.get(type);
    return byType != null ? byType : scope.noop;
  }

  // ---- mode ----

  /**
   * {@code mode 'audit'} in a class body, node block or defined type: {@code noop true} by its
   * name ({@code mode 'enforce'} is {@code noop false}), with the same reach.
   */
  private void scopeMode(Object[] args, SourceLocation here) {
    if (args.length != 1) {
      error(here, "mode takes one value, 'audit' or 'enforce', got " + args.length);
      return;
    }
    Boolean noop = modeValue(args[0], null, here);
    if (noop != null && scopes.peek() != null) {
      scopes.peek().noop = noop;
    }
  }

  /**
   * {@code value} as a noop flag ({@code 'audit'}: true, {@code 'enforce'}: false), or null
   * after recording an error naming {@code what}.
   */
  private Boolean modeValue(Object value, String what, SourceLocation here) {
    String text = value instanceof CharSequence s ? s.toString() : null;
    if ("audit".equals(text)) {
      return true;
    }
    if ("enforce".equals(text)) {
      return false;
    }
    error(here, "mode" + (what == null ? "" : " of " + what) + " must be 'audit' or 'enforce',"
        + " got " + ResourceRules.describe(value));
    return null;
  }

  /** {@code value} as a noop flag, or null after recording an error naming {@code what}. */
  private Boolean noopValue(Object value, String what, SourceLocation here) {
    if (value instanceof Boolean b) {
      return b;
    }
    error(here, "noop" + (what == null ? "" : " of " + what) + " must be true or false, got "
        + ResourceRules.describe(value));
    return null;
  }


  // ---- resources ----

  Object resourceCall(String type, Object[] args, boolean insideBody) {
    return resourceCall(type, args, insideBody, null);
  }

  /**
   * As above; {@code site}, when known, is where the call starts in user code (passed by
   * {@link ImplicitCalls}), which spares the stack walk.
   */
  Object resourceCall(String type, Object[] args, boolean insideBody, SourceLocation site) {
    // A reference inside a body (requires file('/x')) keeps no location of its own: the
    // relationship records the line. Walking the stack is a large share of a compile, so it
    // is done there only when an error needs it; no user code runs before these checks, so the
    // innermost user frame, and with it the line, is the same.
    SourceLocation here = insideBody ? null : site != null ? site : caller();
    if (type.equals("mode") && !insideBody) {
      // Not a method of the script: a script method would shadow `mode '0644'` in resource
      // bodies, which reach the script before the body's parameters.
      scopeMode(args, orCaller(here));
      return null;
    }
    if (DSL_FUNCTIONS.contains(type)) {
      here = orCaller(here);
      error(here, type + "() does not take these arguments: "
          + java.util.Arrays.stream(args).map(ResourceRules::describe)
              .collect(Collectors.joining(", ")));
      return null;
    }
    Optional<ResourceTypeSpec> spec = ResourceTypes.find(type);
    if (spec.isEmpty()) {
      ClassDefinition defined = lookupDefinedType(type);
      if (defined != null) {
        return instantiate(defined, args, orCaller(here));
      }
      here = orCaller(here);
      error(here, "unknown resource type '" + type + "'");
      return new Reference(type, "?", here, false);
    }
    DeclarationArgs parsed = DeclarationArgs.parse(args);
    if (parsed.rejected() != null) {
      here = orCaller(here);
      error(here, type + "() takes a title, named parameters and a body, got "
          + ResourceRules.describe(parsed.rejected()));
      return new Reference(type, "?", here, false);
    }
    Map<?, ?> named = parsed.named();
    String title = parsed.title();
    Closure<?> body = parsed.body();
    if (title == null) {
      here = orCaller(here);
      error(here, type + "() needs a title, e.g. " + type + "('name')");
      return new Reference(type, "?", here, false);
    }
    String titleError = ResourceRules.checkTitle(type, title);
    if (titleError != null) {
      here = orCaller(here);
      error(here, titleError);
      return new Reference(type, title, here, false);
    }
    if (named == null && body == null
        && !((virtuals.active() || exports.active()) && !insideBody)) {
      // here is null only for a reference inside a body, whose location nothing reads.
      Reference ref = new Reference(type, title, here, true);
      if (!insideBody) {
        if (!classStack.isEmpty()) {
          candidateOwner.put(ref, classStack.get(classStack.size() - 1));
        }
        if (!containers.isEmpty()) {
          candidateContainers.put(ref, List.copyOf(containers));
        }
        candidates.add(ref);
        Map<String, Object> defaults = currentDefaults(type);
        if (!defaults.isEmpty()) {
          candidateDefaults.put(ref, defaults);
        }
        Boolean noop = inheritedNoop(type);
        if (noop != null) {
          candidateNoop.put(ref, noop);
        }
      }
      return ref;
    }
    if (here == null) {
      here = caller();
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
      case "tag" -> addTags(decl.tags, value, orCaller(decl.location));
      default -> {
        if (decl.parameter(name) != null) {
          setParameter(decl, name, value);
        } else {
          unknownParameter(decl, name);
        }
      }
    }
  }

  private void declare(ResourceDecl decl) {
    currentDefaults(decl.spec.name()).forEach(decl.parameters::putIfAbsent);
    decl.owner = classStack.isEmpty() ? null : classStack.get(classStack.size() - 1);
    if (decl.noop == null) {
      // As Puppet's metaparameters: the resource's own noop wins over what its container says.
      decl.noop = inheritedNoop(decl.spec.name());
    }
    checkSize();
    for (String problem : ResourceRules.crossCheck(decl.spec.name(), decl.key(), decl.parameters)) {
      error(decl.location, problem);
    }
    for (String problem : ResourceRules.missingRequired(decl.spec, decl.key(), decl.parameters)) {
      error(decl.location, problem);
    }
    String sourceProblem = SourceResolver.resolve(code, decl);
    if (sourceProblem != null) {
      error(decl.location, sourceProblem);
    }
    ResourceDecl first = resources.get(decl.key());
    if (first == null) {
      first = virtuals.get(decl.key());
    }
    if (first == null) {
      first = exports.get(decl.key());
    }
    if (first != null) {
      error(decl.location, "duplicate declaration of " + decl.key() + ": first declared at "
          + declaredAt(first) + ", again at " + declaredAt(decl));
      return;
    }
    if (virtuals.active()) {
      virtuals.declare(decl);
      return;
    }
    if (exports.active()) {
      String problem = Exports.problem(decl);
      if (problem != null) {
        error(decl.location, problem);
      }
      exports.declare(decl);
      return;
    }
    resources.put(decl.key(), decl);
    if (sourceProblem == null && SourceTrees.isTree(decl)) {
      trees.add(decl);
    }
  }

  /**
   * Where {@code decl} was declared; inside a defined type also which instance and where that
   * instance was declared, since every instance declares from the same line.
   */
  private String declaredAt(ResourceDecl decl) {
    String at = Locations.format(decl.location);
    for (int i = decl.containers.size() - 1; i >= 0; i--) {
      SourceLocation instance = instances.get(decl.containers.get(i));
      if (instance != null) {
        return at + " in " + decl.containers.get(i) + " (declared at "
            + Locations.format(instance) + ")";
      }
    }
    return at;
  }

  /**
   * A {@code line} in a file whose whole content a {@code file} sets can never converge: each
   * undoes the other on every run, and every run would report it as drift. Refused at the
   * line's declaration, naming the file's.
   */
  private void refuseLinesInManagedContent() {
    for (ResourceDecl decl : resources.values()) {
      if (!decl.spec.name().equals("line") || !(decl.parameters.get("path") instanceof String path)) {
        continue;
      }
      ResourceDecl file = resources.get("file[" + path + "]");
      if (file != null && (file.parameters.containsKey("content")
          || file.parameters.containsKey("source"))) {
        error(decl.location, decl.key() + " edits " + path + ", whose whole content "
            + file.key() + " sets at " + Locations.format(file.location) + ": each would undo"
            + " the other on every run; put the line into the file's content instead");
      }
    }
  }

  /** A body-less reference never used in a relationship declares the resource, unless it exists. */
  private void declareUnusedCandidates() {
    for (Reference r : candidates) {
      if (!r.used() && !resources.containsKey(r.key()) && virtuals.get(r.key()) == null
          && exports.get(r.key()) == null) {
        ResourceTypeSpec spec = ResourceTypes.find(r.type()).orElseThrow();
        ResourceDecl decl = new ResourceDecl(spec, r.title(), r.location(),
            candidateContainers.getOrDefault(r, List.of()));
        decl.owner = candidateOwner.get(r);
        decl.parameters.putAll(candidateDefaults.getOrDefault(r, Map.of()));
        decl.noop = candidateNoop.get(r);
        String sourceProblem = SourceResolver.resolve(code, decl);
        if (sourceProblem != null) {
          error(decl.location, sourceProblem);
        } else if (SourceTrees.isTree(decl)) {
          trees.add(decl);
        }
        resources.put(r.key(), decl);
      }
    }
  }

  /**
   * Declares the children of each directory copied from a module. Done last so that a child
   * the code declares itself, before or after the directory, wins. The directory keeps
   * recurse and purge but not source or validate_cmd (the agent takes those for files only);
   * relationships naming it from outside its tree name the children too, so a changed file
   * notifies what the directory notifies or is subscribed by.
   */
  private void expandTrees() {
    for (ResourceDecl parent : trees) {
      List<ResourceDecl> children;
      try {
        children = SourceTrees.expand(code, parent, resources);
      } catch (SourceTrees.TreeProblem e) {
        error(parent.location, parent.key() + ": " + e.getMessage());
        continue;
      }
      parent.parameters.remove("source");
      // It checks the copied files; the agent takes it on files only.
      parent.parameters.remove("validate_cmd");
      List<String> keys = new ArrayList<>();
      for (ResourceDecl child : children) {
        if (resources.size() >= maxResources) {
          error(parent.location, "catalog has more than " + maxResources
              + " resources, the most one catalog may hold");
          return;
        }
        String problem = SourceResolver.resolve(code, child);
        if (problem != null) {
          error(parent.location, problem);
        }
        resources.put(child.key(), child);
        keys.add(child.key());
      }
      relateIncoming(parent, keys);
    }
  }

  /** Relationships naming {@code parent} from outside its tree name {@code children} too. */
  private void relateIncoming(ResourceDecl parent, List<String> children) {
    String inside = parent.title.endsWith("/") ? parent.title : parent.title + "/";
    Set<String> generated = new java.util.HashSet<>(children);
    for (ResourceDecl d : resources.values()) {
      if (d == parent || generated.contains(d.key())
          || d.spec.name().equals("file") && d.title.startsWith(inside)) {
        continue;
      }
      List<ResourceDecl.Relation> added = new ArrayList<>();
      for (ResourceDecl.Relation r : d.relations) {
        if (r.target().equals(parent.key())) {
          children.forEach(c -> added.add(new ResourceDecl.Relation(r.kind(), c, r.location())));
        }
      }
      d.relations.addAll(added);
    }
    List<InstanceRelation> added = new ArrayList<>();
    for (InstanceRelation ir : instanceRelations) {
      ResourceDecl.Relation r = ir.relation();
      if (r.target().equals(parent.key())) {
        children.forEach(c -> added.add(new InstanceRelation(ir.instance(),
            new ResourceDecl.Relation(r.kind(), c, r.location()))));
      }
    }
    instanceRelations.addAll(added);
  }

  private void checkSize() {
    if (resources.size() >= maxResources) {
      throw new CatalogTooLarge("catalog has more than " + maxResources
          + " resources, the most one catalog may hold");
    }
  }

  void setParameter(ResourceDecl decl, String name, Object value) {
    ParameterSpec p = Objects.requireNonNull(decl.parameter(name));
    ParameterOrigin origin = value == null ? null : dataOrigins.get(value);
    if (origin == null) {
      decl.origins.remove(name);
    } else {
      decl.origins.put(name, origin.toBuilder().setParameter(name).build());
    }
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
    relateInstance(decl.relations, decl.key(), kind, targets, caller());
  }

  /** As above, declared at {@code here}. */
  void relate(ResourceDecl decl, EdgeKind kind, Object[] targets, SourceLocation here) {
    relateInstance(decl.relations, decl.key(), kind, targets, here);
  }

  /** Records relationships of {@code subject} (a resource or instance key) into {@code out}. */
  void relateInstance(List<ResourceDecl.Relation> out, String subject, EdgeKind kind,
      Object[] targets) {
    relateInstance(out, subject, kind, targets, caller());
  }

  private void relateInstance(List<ResourceDecl.Relation> out, String subject, EdgeKind kind,
      Object[] targets, SourceLocation here) {
    List<Object> flat = new ArrayList<>();
    ResourceTagging.flatten(targets, flat);
    if (flat.isEmpty()) {
      error(here, verb(kind) + " of " + subject + " names no resource");
    }
    for (Object t : flat) {
      if (t instanceof Reference r) {
        r.markUsed();
        if (r.valid()) {
          out.add(new ResourceDecl.Relation(kind, r.key(), here));
        }
      } else if (t instanceof CharSequence s) {
        try {
          out.add(new ResourceDecl.Relation(kind,
              ResourceKey.parse(s.toString()).toString(), here));
        } catch (IllegalArgumentException e) {
          error(here, verb(kind) + " of " + subject + ": " + e.getMessage());
        }
      } else {
        error(here, verb(kind) + " of " + subject
            + " takes resource references like file('/x'), got " + ResourceRules.describe(t));
      }
    }
  }

  boolean isResourceOrDefinedType(String name) {
    return ResourceTypes.find(name).isPresent() || lookupDefinedType(name) != null;
  }

  /** {@code type('title')} inside a body: a reference only, never a declaration. */
  Object reference(String type, Object[] args) {
    if (ResourceTypes.find(type).isPresent()) {
      return resourceCall(type, args, true);
    }
    SourceLocation here = caller();
    if (args.length != 1 || !(args[0] instanceof CharSequence title)) {
      error(here, "a reference to " + type + " takes just a title, e.g. " + type + "('name')");
      return null;
    }
    Reference ref = new Reference(type, title.toString(), here, true);
    ref.markUsed();
    return ref;
  }

  private static String verb(EdgeKind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  // ---- functions ----

  /**
   * {@code fail('why')}: a compile error at the caller's line, and the end of evaluation. The
   * error is recorded before anything is thrown, so code that catches the exception still
   * fails to compile.
   */
  void fail(Object message) {
    String text = said("fail", message);
    error(caller(), text);
    throw new Failed(text);
  }

  /** {@code warning('x')}, {@code notice('x')}: into the catalog, the report and the log. */
  void say(String level, Object message) {
    messages.add(level + ": " + Locations.format(caller()) + ": " + said(level, message));
  }

  private static String said(String function, Object message) {
    if (message instanceof CharSequence || message instanceof Number
        || message instanceof Boolean) {
      return message.toString();
    }
    throw new DataMissing(function + "() takes a text, got " + ResourceRules.describe(message));
  }

  /**
   * {@code defined(file('/x'))} or {@code defined('file[/x]')}: whether that resource or
   * defined type instance is declared at this point of the evaluation (as in Puppet, the
   * answer depends on evaluation order); {@code defined('name')}: whether a class, defined
   * type or resource type of that name exists.
   */
  boolean defined(Object what) {
    if (what instanceof Reference r) {
      r.markUsed();
      return isDeclared(r.key(), r);
    }
    if (what instanceof CharSequence text) {
      String s = text.toString();
      if (s.indexOf('[') > 0 && s.endsWith("]")) {
        try {
          return isDeclared(ResourceKey.parse(s).toString(), null);
        } catch (IllegalArgumentException e) {
          throw new DataMissing("defined('" + s + "'): " + e.getMessage());
        }
      }
      return ResourceTypes.find(s).isPresent() || lookupDefinedType(s) != null
          || lookupClass(s) != null;
    }
    throw new DataMissing("defined() takes a reference like file('/x'), 'file[/x]' or a class"
        + " or type name, got " + ResourceRules.describe(what));
  }

  private boolean isDeclared(String key, Reference asking) {
    if (resources.containsKey(key) || instances.containsKey(key)) {
      return true;
    }
    // A body-less declaration made earlier (file('/x')) declares the resource unless it ends
    // up used as a reference only.
    for (Reference c : candidates) {
      if (c != asking && !c.used() && c.key().equals(key)) {
        return true;
      }
    }
    return false;
  }

  // ---- helper functions ----

  /** Instances of functions files, one per file and compile, made when first called. */
  private final Map<CompiledScript, groovy.lang.Script> functionScripts = new HashMap<>();

  /**
   * {@code name(args)} without a receiver that is no method of {@code script}: a helper
   * function of the script's own module, else a resource call.
   */
  Object unqualifiedCall(SteadScript script, String name, Object[] args, SourceLocation site) {
    ModuleCode m = moduleOf(script);
    if (m != null && m.functions().containsKey(name)) {
      return invokeFunction(m, name, args);
    }
    return resourceCall(name, args, false, site);
  }

  /** Whether {@code script}'s module has a helper function {@code name}. */
  boolean hasOwnFunction(SteadScript script, String name) {
    ModuleCode m = moduleOf(script);
    return m != null && m.functions().containsKey(name);
  }

  private ModuleCode moduleOf(SteadScript script) {
    String module = code.scriptModules().get(script.getClass().getName() + ".groovy");
    return module == null ? null : code.module(module).orElse(null);
  }

  /** {@code app} in {@code app.fqdn_url(...)}: the module's functions, or null if no module. */
  Object moduleFunctions(String name) {
    Optional<ModuleCode> m = code.module(name);
    return m.isPresent() && !m.get().functions().isEmpty() ? new ModuleFunctions(name) : null;
  }

  /** {@code module.name(args)}. */
  Object callFunction(String module, String name, Object[] args) {
    ModuleCode m = code.module(module).orElseThrow();
    if (!m.functions().containsKey(name)) {
      throw new Misuse("module '" + module + "' has no function '" + name + "' (it has "
          + String.join(", ", new java.util.TreeSet<>(m.functions().keySet())) + ")");
    }
    return invokeFunction(m, name, args);
  }

  private Object invokeFunction(ModuleCode module, String name, Object[] args) {
    CompiledScript file = module.functions().get(name);
    groovy.lang.Script instance = functionScripts.computeIfAbsent(file, CompiledScript::newInstance);
    return org.codehaus.groovy.runtime.InvokerHelper.invokeMethod(instance, name, args);
  }

  // ---- templates ----

  String template(String path, Map<String, ?> vars) {
    Map<String, Object> binding = new HashMap<>();
    binding.put("node", nodeName);
    binding.put("facts", facts);
    binding.put("trusted", trusted);
    vars.forEach((k, v) -> binding.put(String.valueOf(k), v));
    if (!Templates.isErb(path) && oldTemplatesWarned.add(path)) {
      say("warning", "template " + path + " uses the old syntax (${...} anywhere in the"
          + " text), which is deprecated: rename it to " + erbName(path) + " and write"
          + " <%= x %> for each ${x} (<% code %> stays as it is); $ is then plain text (see"
          + " Templates in docs/language.md)");
    }
    try {
      return code.templates().render(path, binding);
    } catch (Templates.TemplateProblem problem) {
      if (problem.location().isPresent()) {
        // The template's own line, and where it was rendered from.
        error(problem.location().get(), problem.getMessage() + " (template('" + path
            + "') at " + Locations.format(caller()) + ")");
      } else {
        error(caller(), problem.getMessage());
      }
      return "";
    }
  }

  private static String erbName(String path) {
    String base = path.endsWith(".tpl") ? path.substring(0, path.length() - 4) : path;
    return base.substring(base.indexOf('/') + 1) + Templates.ERB;
  }

  // ---- after evaluation ----

  /**
   * Edges between resources. A relationship with a defined type instance stands for one
   * with every resource declared inside it (containers list the instance).
   */
  private List<Edge> resolveEdges() {
    Map<String, List<String>> contents = new HashMap<>();
    Map<String, List<String>> owned = new HashMap<>();
    for (ResourceDecl d : resources.values()) {
      for (String c : d.containers) {
        if (instances.containsKey(c)) {
          contents.computeIfAbsent(c, k -> new ArrayList<>()).add(d.key());
        }
      }
      if (d.owner != null) {
        owned.computeIfAbsent(d.owner, k -> new ArrayList<>()).add(d.key());
      }
    }
    List<Edge> edges = new ArrayList<>();
    Map<String, SourceLocation> declaredAt = new HashMap<>();
    List<Map.Entry<String, ResourceDecl.Relation>> relations = new ArrayList<>();
    for (ResourceDecl d : resources.values()) {
      d.relations.forEach(r -> relations.add(Map.entry(d.key(), r)));
    }
    instanceRelations.forEach(r -> relations.add(Map.entry(r.instance(), r.relation())));
    // No resource type is named `class`: only a class reference has such a key.
    if (relations.stream().anyMatch(e -> e.getKey().startsWith("class[")
        || e.getValue().target().startsWith("class["))) {
      for (String klass : classes) {
        Set<String> members = new LinkedHashSet<>();
        collectClass(klass, owned, new java.util.HashSet<>(), members);
        contents.put("class[" + klass + "]", List.copyOf(members));
      }
    }
    for (Map.Entry<String, ResourceDecl.Relation> entry : relations) {
      String sourceKey = entry.getKey();
      ResourceDecl.Relation r = entry.getValue();
      List<String> targets = expand(r.target(), contents);
      if (targets == null) {
        error(r.location(), sourceKey + " " + verb(r.kind()) + " " + r.target()
            + ", which is " + undeclared(r.target()));
        continue;
      }
      List<String> sources = expand(sourceKey, contents);
      if (sources == null) {
        // Only a chain or an include can name an undeclared subject; a body always exists.
        error(r.location(), sourceKey + " " + verb(r.kind()) + " " + r.target() + ", but "
            + sourceKey + " is " + undeclared(sourceKey));
        continue;
      }
      for (String source : sources) {
        for (String target : targets) {
          // The first declaration of an edge makes it and gives its location.
          String edge = source + "\n" + r.kind() + "\n" + target;
          if (!declaredAt.containsKey(edge)) {
            declaredAt.put(edge, r.location());
            edges.add(Edge.newBuilder().setSource(source).setKind(r.kind())
                .setTarget(target).build());
          }
        }
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

  /**
   * The resources {@code key} stands for: itself, an instance's or a class's contents, or
   * null if undeclared.
   */
  private List<String> expand(String key, Map<String, List<String>> contents) {
    if (resources.containsKey(key)) {
      return List.of(key);
    }
    if (instances.containsKey(key)) {
      return contents.getOrDefault(key, List.of());
    }
    return contents.get(key); // a class's, when it was included
  }

  /** Why {@code key} names nothing in this catalog, for an error. */
  private String undeclared(String key) {
    if (virtuals.get(key) != null) {
      return "virtual and never realized (realize(" + key + "))";
    }
    if (exports.get(key) != null) {
      return "exported and not collected here (an exported resource is managed by the nodes"
          + " that collect it)";
    }
    if (key.startsWith("class[")) {
      return "a class this catalog does not include";
    }
    return "not declared in this catalog";
  }

  /** The resources of {@code klass}: its own and those of the classes it contains, at any depth. */
  private static void collectClass(String klass, Map<String, List<String>> owned,
      Set<String> visited, Set<String> out, Map<String, Set<String>> contained) {
    if (!visited.add(klass)) {
      return;
    }
    out.addAll(owned.getOrDefault(klass, List.of()));
    for (String inner : contained.getOrDefault(klass, Set.of())) {
      collectClass(inner, owned, visited, out, contained);
    }
  }

  private void collectClass(String klass, Map<String, List<String>> owned, Set<String> visited,
      Set<String> out) {
    collectClass(klass, owned, visited, out, contained);
  }

  // ---- errors ----

  /** {@code here} when it was taken, else the caller's location now. */
  private SourceLocation orCaller(SourceLocation here) {
    return here != null ? here : caller();
  }

  /**
   * The location of line {@code line} of the compiled file {@code file} (its name in stack
   * traces), or null when the file is none of this code's scripts.
   */
  SourceLocation site(String file, int line) {
    String relative = code.scriptFiles().get(file);
    return relative == null || line < 1 ? null : Locations.at(relative, line);
  }

  SourceLocation callerLocation() {
    return caller();
  }

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
    return stopMessage(TimeLimit.stopReason());
  }

  private String stopMessage(TimeLimit.Stop stop) {
    if (stop == TimeLimit.Stop.MEMORY) {
      return "compile allocated more than " + memoryLimit / (1024 * 1024)
          + " MiB (the memory bound) and was stopped";
    }
    return "compile exceeded the time limit of " + timeLimit.toMillis() / 1000.0
        + " s and was stopped";
  }

  private void failed(Throwable thrown) {
    Throwable t = unwrap(thrown);
    SourceLocation at = Locations.of(t, code.scriptFiles())
        .orElse(Locations.at(code.main().relativeName(), 0));
    String message;
    if (t instanceof SandboxViolation v) {
      if (!violations.contains(v)) {
        violations.add(v);
      }
      return;
    } else if (t instanceof Failed) {
      return;
    } else if (t instanceof InterruptedException || t.getCause() instanceof InterruptedException) {
      message = timeoutMessage();
    } else if (t instanceof MissingPropertyException m) {
      message = "no variable or property '" + m.getProperty() + "' here";
    } else if (t instanceof MissingMethodException m) {
      message = "no method " + m.getMethod() + "() for these arguments";
    } else if (t instanceof NullPointerException && t.getMessage() != null
        && NULL_READ.matcher(t.getMessage()).find()) {
      java.util.regex.Matcher read = NULL_READ.matcher(t.getMessage());
      read.find();
      message = "cannot read '" + read.group(1) + "': what it is read from is null (a fact or"
          + " key that is missing? ?. reads null instead)";
    } else if (t instanceof StackOverflowError) {
      message = "stack overflow (endless recursion?)";
    } else if (t instanceof Templates.TemplateProblem p) {
      message = p.getMessage();
    } else if (t instanceof DataMissing || t instanceof CatalogTooLarge || t instanceof Misuse) {
      message = t.getMessage();
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
