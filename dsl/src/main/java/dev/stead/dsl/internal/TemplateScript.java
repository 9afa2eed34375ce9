package dev.stead.dsl.internal;

import groovy.lang.Script;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * The base class of a compiled {@code .erb} template ({@link ErbSource}): the script appends
 * its text and the values of its {@code <%= %>} tags here. One instance per rendering.
 */
public abstract class TemplateScript extends Script {
  /** {@code <%= expr %>} came to null: nothing sensible to print. */
  static final class NullValue extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int tag;

    NullValue(int tag) {
      super(null, null, false, false);
      this.tag = tag;
    }
  }

  private final StringBuilder rendered = new StringBuilder();

  /** Text outside the tags, as written. */
  public void __lit(String text) {
    append(text);
  }

  /** The value of tag {@code tag}'s expression. */
  public void __emit(int tag, Object value) {
    if (value == null) {
      throw new NullValue(tag);
    }
    append(value instanceof CharSequence s ? s : InvokerHelper.toString(value));
  }

  private void append(CharSequence text) {
    if (rendered.length() + text.length() > SandboxRuntime.MAX_STRING) {
      throw SandboxRuntime.refuse("template output exceeds " + SandboxRuntime.MAX_STRING
          + " characters");
    }
    rendered.append(text);
  }

  String rendered() {
    return rendered.toString();
  }
}
