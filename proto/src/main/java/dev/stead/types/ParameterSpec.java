package dev.stead.types;

import java.util.List;
import java.util.Objects;

/**
 * One parameter of a resource type: its name, kind, allowed values (empty: any), a one-line
 * doc, its default, when it is required, and the rule each string value (each item, for a
 * list) follows. The compiler and the agent both apply the requirement and the rule; the
 * agent reads the default from here, so it is written nowhere else. Immutable.
 *
 * @param defaultValue what the agent uses when the parameter is unset, of the parameter's
 *     kind ({@code String}, {@code Boolean}, {@code Long}, {@code List}); null when unset
 *     means "leave the property alone" or when {@code defaultsToTitle}
 * @param defaultsToTitle whether unset means the resource's title
 */
public record ParameterSpec(String name, ParameterKind kind, List<String> allowed, String doc,
    Object defaultValue, boolean defaultsToTitle, Requirement requirement, Validator validator) {
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    allowed = List.copyOf(allowed);
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(requirement, "requirement");
    Objects.requireNonNull(validator, "validator");
    if (defaultValue != null && !fits(kind, defaultValue)) {
      throw new IllegalArgumentException("default of " + name + " is not a " + kind + ": "
          + defaultValue);
    }
    if (defaultsToTitle && kind != ParameterKind.STRING) {
      throw new IllegalArgumentException(name + " can default to the title only as a string");
    }
    if (defaultValue instanceof List<?> list) {
      defaultValue = List.copyOf(list);
    }
  }

  /** A parameter whose unset value leaves the property alone. */
  public ParameterSpec(String name, ParameterKind kind, List<String> allowed, String doc) {
    this(name, kind, allowed, doc, null, false, Requirement.OPTIONAL, Validator.ANY);
  }

  /** The same parameter, with what the agent uses when it is unset. */
  public ParameterSpec withDefault(Object value) {
    return new ParameterSpec(name, kind, allowed, doc, Objects.requireNonNull(value), false,
        requirement, validator);
  }

  /** The same parameter, taking the resource's title when unset. */
  public ParameterSpec withTitleDefault() {
    return new ParameterSpec(name, kind, allowed, doc, null, true, requirement, validator);
  }

  /** The same parameter, required always. */
  public ParameterSpec required() {
    return new ParameterSpec(name, kind, allowed, doc, defaultValue, defaultsToTitle,
        Requirement.ALWAYS, validator);
  }

  /** The same parameter, required when the resource's ensure is {@code present}. */
  public ParameterSpec requiredWhenPresent() {
    return new ParameterSpec(name, kind, allowed, doc, defaultValue, defaultsToTitle,
        Requirement.WHEN_PRESENT, validator);
  }

  /** The same parameter, its string values (list items) checked by {@code rule}. */
  public ParameterSpec checkedBy(Validator rule) {
    return new ParameterSpec(name, kind, allowed, doc, defaultValue, defaultsToTitle,
        requirement, rule);
  }

  /** The default as the reference docs show it; empty when unset leaves the property alone. */
  public String defaultDoc() {
    if (defaultsToTitle) {
      return "the title";
    }
    if (defaultValue == null) {
      return "";
    }
    if (defaultValue instanceof List<?> list && list.isEmpty()) {
      return "none";
    }
    return defaultValue.toString();
  }

  /** What is wrong with {@code value} as this parameter's string or list item, or null. */
  public String problem(String value) {
    if (!allowed.isEmpty() && !allowed.contains(value)) {
      return "must be one of " + String.join(", ", allowed);
    }
    return validator.problem(value);
  }

  private static boolean fits(ParameterKind kind, Object value) {
    return switch (kind) {
      case STRING -> value instanceof String;
      case BOOLEAN -> value instanceof Boolean;
      case INTEGER -> value instanceof Long;
      case LIST -> value instanceof List<?>;
      case MAP -> value instanceof java.util.Map<?, ?>;
    };
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
