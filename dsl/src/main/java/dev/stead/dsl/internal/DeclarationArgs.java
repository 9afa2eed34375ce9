package dev.stead.dsl.internal;

import groovy.lang.Closure;
import java.util.Map;

/**
 * The arguments of a resource or defined-type declaration, {@code name('title', k: v) { }}:
 * at most one named-parameter map (before the title, as Groovy passes it), one title and one
 * body. {@code rejected} is the first argument that fits none of them, else null.
 */
record DeclarationArgs(Map<?, ?> named, String title, Closure<?> body, Object rejected) {

  static DeclarationArgs parse(Object[] args) {
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
        return new DeclarationArgs(named, title, body, a);
      }
    }
    return new DeclarationArgs(named, title, body, null);
  }
}
