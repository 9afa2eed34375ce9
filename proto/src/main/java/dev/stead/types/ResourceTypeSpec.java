package dev.stead.types;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The description of one resource type, shared by the compiler, the agent and the docs: its
 * parameters, the rule its title follows, and the ordering edges it implies. Immutable.
 */
public record ResourceTypeSpec(String name, String doc, List<ParameterSpec> parameters,
    Validator titleRule, List<AutoEdge> autoEdges) {
  public ResourceTypeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(doc, "doc");
    parameters = List.copyOf(parameters);
    Objects.requireNonNull(titleRule, "titleRule");
    autoEdges = List.copyOf(autoEdges);
    for (AutoEdge edge : autoEdges) {
      if (edge.parameter() != null
          && parameters.stream().noneMatch(p -> p.name().equals(edge.parameter()))) {
        throw new IllegalArgumentException(name + " has an auto-edge from unknown parameter "
            + edge.parameter());
      }
    }
  }

  /** A type whose titles are any non-empty text and which implies no edges. */
  public ResourceTypeSpec(String name, String doc, List<ParameterSpec> parameters) {
    this(name, doc, parameters, Validator.ANY, List.of());
  }

  /** The same type, its titles checked by {@code rule}. */
  public ResourceTypeSpec withTitleRule(Validator rule) {
    return new ResourceTypeSpec(name, doc, parameters, rule, autoEdges);
  }

  /** The same type, implying {@code edges}. */
  public ResourceTypeSpec withAutoEdges(AutoEdge... edges) {
    return new ResourceTypeSpec(name, doc, parameters, titleRule, List.of(edges));
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
