package dev.stead.types;

import java.util.Objects;

/**
 * An ordering edge a type declares without the code writing it, as Puppet's autorequire: the
 * resource waits for the {@code targetType} resource its parameter (or title) names, when the
 * catalog manages that resource. Immutable.
 *
 * @param parameter the parameter whose string values (list items) name targets; null when
 *     the target comes from the title
 * @param parentOfTitle with no parameter: the target is the title's parent directory rather
 *     than the title itself
 */
public record AutoEdge(String targetType, String parameter, boolean parentOfTitle) {
  public AutoEdge {
    Objects.requireNonNull(targetType, "targetType");
    if (parameter != null && parentOfTitle) {
      throw new IllegalArgumentException("an edge comes from a parameter or the title");
    }
  }

  /** Requires {@code targetType[v]} for each value v of {@code parameter}. */
  public static AutoEdge byParameter(String parameter, String targetType) {
    return new AutoEdge(targetType, Objects.requireNonNull(parameter), false);
  }

  /** Requires {@code targetType[title]}. */
  public static AutoEdge byTitle(String targetType) {
    return new AutoEdge(targetType, null, false);
  }

  /** Requires {@code targetType[parent directory of the title]}. */
  public static AutoEdge byParentOfTitle(String targetType) {
    return new AutoEdge(targetType, null, true);
  }
}
