package dev.stead.agent.resource;

import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.types.ParameterSpec;
import dev.stead.types.Requirement;
import dev.stead.types.ResourceTypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed, checked access to one resource's parameters against its type's description, which
 * is the only place defaults, required parameters and value rules are written. Getters
 * return the description's default for an unset parameter, or null when it has none ("leave
 * it alone"); a value of the wrong kind, outside the allowed values or breaking the
 * parameter's rule is an {@link InvalidResourceException} naming the parameter. Immutable.
 */
public final class Params {
  private final String title;
  private final Map<String, Value> values;
  private final ResourceTypeSpec spec;

  private Params(String title, Map<String, Value> values, ResourceTypeSpec spec) {
    this.title = title;
    this.values = values;
    this.spec = spec;
  }

  /** Rejects parameters the type does not know. */
  public static Params of(Resource resource, ResourceTypeSpec spec)
      throws InvalidResourceException {
    for (String name : resource.getParametersMap().keySet()) {
      if (spec.parameter(name).isEmpty()) {
        throw new InvalidResourceException("unknown parameter `" + name + "` for type "
            + spec.name());
      }
    }
    if (resource.getTitle().isEmpty()) {
      throw new InvalidResourceException("the title must not be empty");
    }
    String titleProblem = spec.titleRule().problem(resource.getTitle());
    if (titleProblem != null) {
      throw new InvalidResourceException("the title " + titleProblem + ", got `"
          + resource.getTitle() + "`");
    }
    Params params = new Params(resource.getTitle(), resource.getParametersMap(), spec);
    params.checkRequired();
    return params;
  }

  private void checkRequired() throws InvalidResourceException {
    for (ParameterSpec p : spec.parameters()) {
      if (values.containsKey(p.name()) || p.requirement() == Requirement.OPTIONAL) {
        continue;
      }
      if (p.requirement() == Requirement.ALWAYS) {
        throw new InvalidResourceException("`" + p.name() + "` is required");
      }
      if (spec.parameter("ensure").isPresent() && "present".equals(string("ensure"))) {
        throw new InvalidResourceException("`" + p.name() + "` is required when ensure is"
            + " present");
      }
    }
  }

  private ParameterSpec spec(String name) {
    return spec.parameter(name).orElseThrow(
        () -> new IllegalArgumentException(spec.name() + " has no parameter " + name));
  }

  private void check(String name, String value) throws InvalidResourceException {
    String problem = spec(name).problem(value);
    if (problem != null) {
      throw new InvalidResourceException("`" + name + "` " + problem + ", got `" + value + "`");
    }
  }

  public String title() {
    return title;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String string(String name) throws InvalidResourceException {
    Value v = values.get(name);
    if (v == null) {
      ParameterSpec p = spec(name);
      return p.defaultsToTitle() ? title : (String) p.defaultValue();
    }
    if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be a string");
    }
    String s = v.getStringValue();
    check(name, s);
    return s;
  }

  /** A string without newlines or NUL, which would corrupt line-based files. */
  public String singleLine(String name) throws InvalidResourceException {
    String s = string(name);
    if (s != null && (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf(0) >= 0)) {
      throw new InvalidResourceException("`" + name + "` must be a single line");
    }
    return s;
  }

  public Boolean bool(String name) throws InvalidResourceException {
    Value v = values.get(name);
    if (v == null) {
      return (Boolean) spec(name).defaultValue();
    }
    if (v.getKindCase() != Value.KindCase.BOOL_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be true or false");
    }
    return v.getBoolValue();
  }

  public Long integer(String name) throws InvalidResourceException {
    Value v = values.get(name);
    if (v == null) {
      return (Long) spec(name).defaultValue();
    }
    if (v.getKindCase() != Value.KindCase.INT_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be an integer");
    }
    return v.getIntValue();
  }

  /** A list of strings (or integers, rendered). */
  public List<String> strings(String name) throws InvalidResourceException {
    Value v = values.get(name);
    if (v == null) {
      @SuppressWarnings("unchecked")
      List<String> fallback = (List<String>) spec(name).defaultValue();
      return fallback;
    }
    if (v.getKindCase() != Value.KindCase.LIST_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be a list");
    }
    List<String> out = new ArrayList<>();
    for (Value item : v.getListValue().getValuesList()) {
      switch (item.getKindCase()) {
        case STRING_VALUE -> {
          check(name, item.getStringValue());
          out.add(item.getStringValue());
        }
        case INT_VALUE -> out.add(Long.toString(item.getIntValue()));
        default -> throw new InvalidResourceException("`" + name
            + "` must be a list of strings");
      }
    }
    return List.copyOf(out);
  }

  /** A map of strings, sorted by key. */
  public Map<String, String> stringMap(String name) throws InvalidResourceException {
    Value v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v.getKindCase() != Value.KindCase.MAP_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be a map");
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, Value> e : v.getMapValue().getEntriesMap().entrySet()) {
      Value item = e.getValue();
      switch (item.getKindCase()) {
        case STRING_VALUE -> out.put(e.getKey(), item.getStringValue());
        case INT_VALUE -> out.put(e.getKey(), Long.toString(item.getIntValue()));
        case BOOL_VALUE -> out.put(e.getKey(), Boolean.toString(item.getBoolValue()));
        default -> throw new InvalidResourceException("`" + name + "` entry `" + e.getKey()
            + "` must be a string");
      }
    }
    return out;
  }
}
