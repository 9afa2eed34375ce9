package dev.stead.agent.resource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One resource as the machine has it now, as it would be declared: type, title and the
 * parameters that describe its current state, in the order they read best. Values are
 * strings, longs, booleans or lists of strings. Immutable.
 */
public record Inspected(String type, String title, Map<String, Object> params) {
  public Inspected {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
