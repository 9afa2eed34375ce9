package dev.stead.agent.resource;

import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.types.ResourceTypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed, checked access to one resource's parameters against its type's description. Getters
 * return null for an unset parameter ("leave it alone"); a value of the wrong kind, or one
 * outside the allowed values, is an {@link InvalidResourceException} naming the parameter.
 * Immutable.
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
    return new Params(resource.getTitle(), resource.getParametersMap(), spec);
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
      return null;
    }
    if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be a string");
    }
    String s = v.getStringValue();
    List<String> allowed = spec.parameter(name).orElseThrow().allowed();
    if (!allowed.isEmpty() && !allowed.contains(s)) {
      throw new InvalidResourceException("`" + name + "` must be one of "
          + String.join(", ", allowed) + ", got `" + s + "`");
    }
    return s;
  }

  public String string(String name, String fallback) throws InvalidResourceException {
    String s = string(name);
    return s == null ? fallback : s;
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
      return null;
    }
    if (v.getKindCase() != Value.KindCase.BOOL_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be true or false");
    }
    return v.getBoolValue();
  }

  public boolean bool(String name, boolean fallback) throws InvalidResourceException {
    Boolean b = bool(name);
    return b == null ? fallback : b;
  }

  public Long integer(String name) throws InvalidResourceException {
    Value v = values.get(name);
    if (v == null) {
      return null;
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
      return null;
    }
    if (v.getKindCase() != Value.KindCase.LIST_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be a list");
    }
    List<String> out = new ArrayList<>();
    for (Value item : v.getListValue().getValuesList()) {
      switch (item.getKindCase()) {
        case STRING_VALUE -> out.add(item.getStringValue());
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
