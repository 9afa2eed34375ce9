package dev.stead.types;

import java.util.List;
import java.util.Objects;

/**
 * One parameter of a resource type: its name, kind, allowed values (empty: any), a
 * default that is only documentation of what "unset" does, and a one-line doc.
 */
public record ParameterSpec(String name, ParameterKind kind, List<String> allowed, String doc) {
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    allowed = List.copyOf(allowed);
    Objects.requireNonNull(doc, "doc");
  }

  public static ParameterSpec string(String name, String doc) {
    return new ParameterSpec(name, ParameterKind.STRING, List.of(), doc);
  }

  public static ParameterSpec oneOf(String name, List<String> allowed, String doc) {
    return new ParameterSpec(name, ParameterKind.STRING, allowed, doc);
  }

  public static ParameterSpec bool(String name, String doc) {
    return new ParameterSpec(name, ParameterKind.BOOLEAN, List.of(), doc);
  }
}
