package dev.stead.dsl.internal;

import dev.stead.proto.v1.EdgeKind;
import groovy.lang.GroovyObjectSupport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The delegate of a defined type instance's body: {@code vhost('shop') { port 8080 }} sets
 * parameter {@code port}; {@code requires}, {@code before}, {@code notifies} and
 * {@code subscribes} relate every resource of the instance, {@code noop} makes them noop and
 * {@code tag} tags them.
 * Unknown names are errors naming the instance and its parameters. Confined to one compile.
 */
public final class InstanceBody extends GroovyObjectSupport {
  private final Evaluation evaluation;
  private final String key;
  private final List<String> parameters;
  /** The script the body was written in (its closure's this), for its module's functions. */
  private final Object script;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final List<ResourceDecl.Relation> relations = new ArrayList<>();
  private boolean noopGiven;
  private Object noop;

  InstanceBody(Evaluation evaluation, String key, List<String> parameters, Object script) {
    this.evaluation = evaluation;
    this.script = script;
    this.key = key;
    this.parameters = parameters;
  }

  void set(String name, Object value) {
    switch (name) {
      case "requires" -> requires(value);
      case "before" -> before(value);
      case "notifies" -> notifies(value);
      case "subscribes" -> subscribes(value);
      case "noop" -> {
        noopGiven = true;
        noop = value;
      }
      case "tag" -> evaluation.tagContainer(key, value);
      default -> {
        if (parameters.contains(name)) {
          values.put(name, value);
        } else {
          evaluation.error("unknown parameter '" + name + "' for " + key + " (known: "
              + String.join(", ", parameters) + (parameters.isEmpty() ? "" : ", ")
              + "requires, before, notifies, subscribes, noop, tag)");
        }
      }
    }
  }

  Map<String, Object> values() {
    return values;
  }

  /** Whether {@code noop} was given; its value, unchecked, is {@link #noop()}. */
  boolean noopGiven() {
    return noopGiven;
  }

  Object noop() {
    return noop;
  }

  List<ResourceDecl.Relation> relations() {
    return List.copyOf(relations);
  }

  public void requires(Object... targets) {
    evaluation.relateInstance(relations, key, EdgeKind.REQUIRES, targets);
  }

  public void before(Object... targets) {
    evaluation.relateInstance(relations, key, EdgeKind.BEFORE, targets);
  }

  public void notifies(Object... targets) {
    evaluation.relateInstance(relations, key, EdgeKind.NOTIFIES, targets);
  }

  public void subscribes(Object... targets) {
    evaluation.relateInstance(relations, key, EdgeKind.SUBSCRIBES, targets);
  }

  public Object methodMissing(String name, Object args) {
    Object[] given = (Object[]) args;
    if (parameters.contains(name)) {
      if (given.length != 1) {
        evaluation.error("parameter '" + name + "' of " + key + " takes one value, got "
            + given.length);
      } else {
        values.put(name, given[0]);
      }
      return null;
    }
    if (evaluation.isResourceOrDefinedType(name)) {
      return evaluation.reference(name, given);
    }
    if (name.equals("klass") && given.length == 1 && given[0] instanceof CharSequence klass) {
      return evaluation.classReference(klass.toString());
    }
    if (script instanceof SteadScript s && evaluation.hasOwnFunction(s, name)) {
      return evaluation.unqualifiedCall(s, name, given, null);
    }
    set(name, given.length == 1 ? given[0] : given);
    return null;
  }

  public void propertyMissing(String name, Object value) {
    set(name, value);
  }
}
