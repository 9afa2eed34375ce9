package dev.stead.agent.resource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One resource as the machine has it now, as it would be declared: type, title and the
 * parameters that describe its current state, in the order they read best. Values are
 * strings, longs, booleans or lists of strings. A non-empty {@code note} marks what cannot be
 * declared so that it stays in sync as it is, and says why; such a declaration is shown as a
 * suggestion only. Immutable.
 */
public record Inspected(String type, String title, Map<String, Object> params, String note) {
  public Inspected {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(note, "note");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** A resource declared as it is, in sync. */
  public Inspected(String type, String title, Map<String, Object> params) {
    this(type, title, params, "");
  }
}
