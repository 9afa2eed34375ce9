package dev.stead.dsl.internal;

import dev.stead.dsl.CompileException;
import dev.stead.proto.v1.CompileError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks every data file against the classes' parameter types without a node: a key
 * {@code CLASS::PARAM} whose value the parameter would refuse is an error at that key's line,
 * whichever node (and facts) would read the file. Values holding {@code %{...}} are left to
 * the compile, since what they become depends on the node. Stateless.
 */
public final class DataTypes {
  private DataTypes() {}

  /** The errors of {@code code}'s data, in file order; empty when the classes cannot be loaded (the compile reports that). */
  public static List<CompileError> check(CodeBase code, Duration timeLimit) {
    Map<String, List<Evaluation.DeclaredParameter>> classes;
    try {
      classes = new Evaluation(code, "validate", Map.of(), timeLimit).declaredClasses();
    } catch (CompileException e) {
      return List.of();
    }
    List<CompileError> errors = new ArrayList<>();
    for (DataHierarchy.Entry entry : code.data().entries()) {
      int separator = entry.key().lastIndexOf("::");
      if (separator <= 0 || entry.interpolated()) {
        continue;
      }
      String className = entry.key().substring(0, separator);
      String parameter = entry.key().substring(separator + 2);
      for (Evaluation.DeclaredParameter p : classes.getOrDefault(className, List.of())) {
        if (p.name().equals(parameter)
            && ClassParameters.coerce(entry.value(), p.type()).isEmpty()) {
          errors.add(CompileError.newBuilder().setLocation(Locations.at(entry.file(),
              entry.line())).setMessage("'" + entry.key() + "': parameter '" + parameter
              + "' of class '" + className + "' must be " + p.type().getSimpleName()
              + ", got " + describe(entry.value())).build());
        }
      }
    }
    return errors;
  }

  /** As YAML has it: {@code a string 'eight'}, {@code a number 443}, {@code a list}. */
  private static String describe(Object value) {
    String kind = YamlData.kind(value);
    if (value instanceof String s) {
      return kind + " '" + (s.length() > 40 ? s.substring(0, 37) + "..." : s) + "'";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return kind + " " + value;
    }
    return kind;
  }
}
