package dev.stead.types;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The description of one resource type, shared by the compiler, the agent and the docs. */
public record ResourceTypeSpec(String name, String doc, List<ParameterSpec> parameters) {
  public ResourceTypeSpec {
    parameters = List.copyOf(parameters);
  }

  public Optional<ParameterSpec> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  public Map<String, ParameterSpec> parametersByName() {
    Map<String, ParameterSpec> out = new LinkedHashMap<>();
    parameters.forEach(p -> out.put(p.name(), p));
    return out;
  }
}
