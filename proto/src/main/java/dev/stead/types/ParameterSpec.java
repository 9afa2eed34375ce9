package dev.stead.types;

import java.util.List;
import java.util.Objects;

/**
 * One parameter of a resource type: its name, kind, allowed values (empty: any), a one-line
 * doc, and {@code defaultValue}: what the agent uses when the parameter is unset, as
 * documentation only (empty: unset means "leave the property alone").
 */
public record ParameterSpec(String name, ParameterKind kind, List<String> allowed, String doc,
    String defaultValue) {
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    allowed = List.copyOf(allowed);
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(defaultValue, "defaultValue");
  }

  /** A parameter whose unset value leaves the property alone. */
  public ParameterSpec(String name, ParameterKind kind, List<String> allowed, String doc) {
    this(name, kind, allowed, doc, "");
  }

  /** The same parameter, documenting what the agent uses when it is unset. */
  public ParameterSpec withDefault(String value) {
    return new ParameterSpec(name, kind, allowed, doc, value);
  }

  public static ParameterSpec integer(String name, String doc) {
    return new ParameterSpec(name, ParameterKind.INTEGER, List.of(), doc);
  }

  public static ParameterSpec list(String name, String doc) {
    return new ParameterSpec(name, ParameterKind.LIST, List.of(), doc);
  }

  public static ParameterSpec map(String name, String doc) {
    return new ParameterSpec(name, ParameterKind.MAP, List.of(), doc);
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
