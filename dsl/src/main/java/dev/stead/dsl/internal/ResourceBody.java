package dev.stead.dsl.internal;

import dev.stead.proto.v1.EdgeKind;
import groovy.lang.GroovyObjectSupport;
import groovy.lang.MissingPropertyException;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * The delegate of a resource body closure: {@code mode '0644'} sets a parameter,
 * {@code requires file('/x')} records a relationship, {@code noop true} marks the resource.
 * Other calls go to the script that wrote the body (helpers, {@code template}, references);
 * a name that is none of these is an unknown parameter. Confined to one compile.
 */
public final class ResourceBody extends GroovyObjectSupport {
  private final Evaluation evaluation;
  private final ResourceDecl decl;
  private final Object script;

  ResourceBody(Evaluation evaluation, ResourceDecl decl, Object script) {
    this.evaluation = evaluation;
    this.decl = decl;
    this.script = script;
  }

  public void requires(Object... targets) {
    evaluation.relate(decl, EdgeKind.REQUIRES, targets);
  }

  public void before(Object... targets) {
    evaluation.relate(decl, EdgeKind.BEFORE, targets);
  }

  public void notifies(Object... targets) {
    evaluation.relate(decl, EdgeKind.NOTIFIES, targets);
  }

  public void subscribes(Object... targets) {
    evaluation.relate(decl, EdgeKind.SUBSCRIBES, targets);
  }

  /** {@code requires x} and its kin as a call at {@code here} (from {@link ImplicitCalls}). */
  void relate(EdgeKind kind, Object[] targets, dev.stead.proto.v1.SourceLocation here) {
    evaluation.relate(decl, kind, targets, here);
  }

  public void noop(Object value) {
    evaluation.setNoop(decl, value);
  }

  /** {@code tag 'web', 'frontend'}: tags of this resource, besides the automatic ones. */
  public void tag(Object... tags) {
    evaluation.addTags(decl.tags, tags, evaluation.callerLocation());
  }

  /** Whether the resource declared in this body has a parameter {@code name}. */
  boolean hasParameter(String name) {
    return decl.parameter(name) != null;
  }

  /** The key of the resource declared in this body. */
  String key() {
    return decl.key();
  }

  public Object methodMissing(String name, Object args) {
    Object[] values = (Object[]) args;
    if (decl.parameter(name) != null) {
      if (values.length != 1) {
        evaluation.error("parameter '" + name + "' of " + decl.key() + " takes one value, got "
            + values.length);
      } else {
        evaluation.setParameter(decl, name, values[0]);
      }
      return null;
    }
    if (evaluation.isResourceOrDefinedType(name)) {
      return evaluation.reference(name, values);
    }
    if (!InvokerHelper.getMetaClass(script).respondsTo(script, name).isEmpty()) {
      return InvokerHelper.invokeMethod(script, name, values);
    }
    if (script instanceof SteadScript s && evaluation.hasOwnFunction(s, name)) {
      return evaluation.unqualifiedCall(s, name, values, null);
    }
    evaluation.unknownParameter(decl, name);
    return null;
  }

  /** {@code mode = '0644'} works like {@code mode '0644'}; other assignments go to the script. */
  public void propertyMissing(String name, Object value) {
    if (decl.parameter(name) != null) {
      evaluation.setParameter(decl, name, value);
      return;
    }
    throw new MissingPropertyException(name, ResourceBody.class);
  }
}
