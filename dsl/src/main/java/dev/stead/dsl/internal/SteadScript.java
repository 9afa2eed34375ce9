package dev.stead.dsl.internal;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import groovy.lang.Script;
import java.util.List;
import java.util.Map;

/**
 * The base class of every compiled manifest: the language's top-level vocabulary. Each call
 * forwards to the compile running on this thread ({@link Evaluation#current()}), so scripts
 * hold no reference to compiler internals that user code could reach. Resource types are
 * not methods here: any name listed in {@code ResourceTypes} reaches {@link #methodMissing}.
 */
public abstract class SteadScript extends Script {
  protected SteadScript() {}

  protected SteadScript(Binding binding) {
    super(binding);
  }

  /** The node's facts: read-only nested maps, lists, strings, longs, booleans. */
  public Map<String, Object> getFacts() {
    return Evaluation.current().facts();
  }

  /**
   * What the master knows from the node's certificate: {@code certname} (the CN) and
   * {@code extensions}. Unlike facts, a node cannot forge it.
   */
  public Map<String, Object> getTrusted() {
    return Evaluation.current().trusted();
  }

  /**
   * Reads {@code facts}, {@code trusted} and {@code node} directly. Script's own lookup tries
   * the binding first, which throws (and fills a stack trace) for every miss.
   */
  @Override
  public Object getProperty(String property) {
    switch (property) {
      case "facts":
        return getFacts();
      case "trusted":
        return getTrusted();
      case "node":
        return getNode();
      default:
        try {
          return super.getProperty(property);
        } catch (groovy.lang.MissingPropertyException missing) {
          // A module's name: its helper functions, app.fqdn_url(...).
          Object module = Evaluation.current().moduleFunctions(property);
          if (module == null) {
            throw missing;
          }
          return module;
        }
    }
  }

  /** The name of the node being compiled. */
  public String getNode() {
    return Evaluation.current().nodeName();
  }

  /** {@code node('name') { }}, {@code node(~/regex/) { }} or {@code node('default') { }}. */
  public void node(Object matcher,
      @DelegatesTo(value = SteadScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
    Evaluation.current().defineNode(matcher, body);
  }

  /** Class declaration as rewritten by {@link KlassParameterRewriter}. */
  public void klass(String name, Map<String, Closure<?>> parameters, Closure<?> body) {
    Evaluation.current().defineClass(name, parameters, body);
  }

  /** Class declaration whose body the rewriter could not see (e.g. a closure variable). */
  public void klass(String name,
      @DelegatesTo(value = SteadScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
    Evaluation.current().defineClass(name, null, body);
  }

  /** Defined type declaration as rewritten by {@link KlassParameterRewriter}. */
  public void define(String name, Map<String, Closure<?>> parameters, Closure<?> body) {
    Evaluation.current().defineType(name, parameters, body);
  }

  /** {@code lookup('key')}: the most specific value of {@code key} in the data hierarchy. */
  public Object lookup(String key) {
    return Evaluation.current().lookup(key, Map.of());
  }

  /** {@code lookup('key', merge: 'hash', default: [:])}. */
  public Object lookup(Map<String, ?> options, String key) {
    return Evaluation.current().lookup(key, options);
  }

  /** {@code defaults('file') { mode '0644' }}: for resources declared later in this scope. */
  public void defaults(String type,
      @DelegatesTo(value = ResourceBody.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    Evaluation.current().defaults(type, null, body);
  }

  /** {@code defaults('file', mode: '0644')}. */
  public void defaults(Map<String, ?> parameters, String type) {
    Evaluation.current().defaults(type, parameters, null);
  }

  /** {@code defaults(noop: true)}: an error naming the forms that exist (a type, {@code noop true}). */
  public void defaults(Map<String, ?> parameters) {
    Evaluation.current().defaults(parameters);
  }

  /**
   * {@code noop true}: every resource declared later in this class body, defined type or node
   * block, and in the classes and instances declared there, is noop unless it says otherwise.
   */
  public void noop(Object value) {
    Evaluation.current().scopeNoop(value);
  }

  /** {@code klass('base')}: a reference to a class, naming every resource inside it. */
  public Object klass(String name) {
    return Evaluation.current().classReference(name);
  }

  /** {@code contain 'x'}: include, and keep x's resources inside this class for ordering. */
  public void contain(String name) {
    Evaluation.current().contain(name, Map.of());
  }

  public void contain(Map<String, ?> parameters, String name) {
    Evaluation.current().contain(name, parameters);
  }

  /** {@code tag 'web'} in a class or defined type body: every resource inside gets the tag. */
  public void tag(Object... tags) {
    Evaluation.current().scopeTag(tags);
  }

  /** {@code virtual { user('bob') { } }}: declared, but managed only once realized. */
  public void virtual(
      @DelegatesTo(value = SteadScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
    Evaluation.current().virtual(body);
  }

  /** {@code realize(user('bob'), user('eve'))}: the virtual resources named are managed. */
  public void realize(Object... references) {
    Evaluation.current().realize(references);
  }

  /** {@code realize('user', tag: 'admins')}: every virtual user tagged admins is managed. */
  public void realize(Map<String, ?> query, String type) {
    Evaluation.current().realize(type, query, null);
  }

  /** {@code realize('user') { it.parameters.uid > 1000 }}: the query {@code collect} shares. */
  public void realize(String type, Closure<?> filter) {
    Evaluation.current().realize(type, Map.of(), filter);
  }

  /** {@code realize('user', tag: 'admins') { ... }}. */
  public void realize(Map<String, ?> query, String type, Closure<?> filter) {
    Evaluation.current().realize(type, query, filter);
  }

  /**
   * {@code export { host(node) { ip facts.networking.ip } }}: offered to the other nodes of
   * this environment, which {@code collect} them; not managed on this node unless it collects
   * them too.
   */
  public void export(
      @DelegatesTo(value = SteadScript.class, strategy = Closure.OWNER_FIRST) Closure<?> body) {
    Evaluation.current().export(body);
  }

  /** {@code collect('host')}: every host this environment's nodes export is managed here. */
  public void collect(String type) {
    Evaluation.current().collect(type, Map.of(), null);
  }

  /** {@code collect('host') { it.tags.contains('web') }}: those the filter keeps. */
  public void collect(String type, Closure<?> filter) {
    Evaluation.current().collect(type, Map.of(), filter);
  }

  /** {@code collect('host', tag: 'web')}. */
  public void collect(Map<String, ?> query, String type) {
    Evaluation.current().collect(type, query, null);
  }

  /** {@code collect('host', tag: 'web') { ... }}. */
  public void collect(Map<String, ?> query, String type, Closure<?> filter) {
    Evaluation.current().collect(type, query, filter);
  }

  /**
   * {@code fleetFacts('networking.ip')}: {@code [node: n, value: v]} for each node of this
   * environment with a value there, sorted by node; only for paths the master's allowlist has.
   */
  public List<Map<String, Object>> fleetFacts(String path) {
    return Evaluation.current().fleetFacts(path, null);
  }

  /** {@code fleetFacts('networking.ip') { it.facts.role == 'web' }}: those the filter keeps. */
  public List<Map<String, Object>> fleetFacts(String path, Closure<?> filter) {
    return Evaluation.current().fleetFacts(path, filter);
  }

  public void include(String name) {
    Evaluation.current().include(name, Map.of());
  }

  public void include(Map<String, ?> parameters, String name) {
    Evaluation.current().include(name, parameters);
  }

  /** Renders {@code module/file} from that module's {@code templates/} with {@code vars}. */
  public String template(Map<String, ?> vars, String path) {
    return Evaluation.current().template(path, vars);
  }

  public String template(String path) {
    return Evaluation.current().template(path, Map.of());
  }

  /** {@code secret('ENC[…]')}: an encrypted value; see docs/language.md. */
  public Object secret(Object text) {
    return SecretFunction.secret(text);
  }

  /** {@code fail('why')}: stops the compile with an error at this line. */
  public void fail(Object message) {
    Evaluation.current().fail(message);
  }

  /** {@code warning('x')}: a warning in the compile log and the node's report. */
  public void warning(Object message) {
    Evaluation.current().say("warning", message);
  }

  /** {@code notice('x')}: a notice in the compile log and the node's report. */
  public void notice(Object message) {
    Evaluation.current().say("notice", message);
  }

  /** {@code defined(file('/x'))}, {@code defined('file[/x]')}, {@code defined('klass')}. */
  public boolean defined(Object what) {
    return Evaluation.current().defined(what);
  }

  /**
   * {@code notify('hello')}: the notify resource. An overload beside Object's notify(), which
   * stays refused: the sandbox lets through only this one-argument form (and a body).
   */
  public Object notify(Object title) {
    return Evaluation.current().resourceCall("notify", new Object[] {title}, false);
  }

  /** {@code notify('x') { message 'text' }}. */
  public Object notify(Object title,
      @DelegatesTo(value = ResourceBody.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
    return Evaluation.current().resourceCall("notify", new Object[] {title, body}, false);
  }

  /**
   * A helper function of this script's own module, else a resource declaration or reference:
   * {@code file('/etc/motd') { ... }}.
   */
  public Object methodMissing(String name, Object args) {
    return Evaluation.current().unqualifiedCall(this, name, (Object[]) args, null);
  }
}
