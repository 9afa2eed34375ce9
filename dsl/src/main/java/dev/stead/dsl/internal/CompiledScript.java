package dev.stead.dsl.internal;

import groovy.lang.Binding;
import groovy.lang.Script;
import java.util.Objects;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * One compiled Stead source file: its location relative to its environment or module path
 * entry (as errors print it) and its script class, shared by every compile. Immutable.
 */
public record CompiledScript(String relativeName, String sourceName,
    Class<? extends Script> type) {
  public CompiledScript {
    Objects.requireNonNull(relativeName, "relativeName");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(type, "type");
  }

  /** A fresh script instance with its own binding; instances are never shared by compiles. */
  Script newInstance() {
    return InvokerHelper.createScript(type, new Binding());
  }
}
