package dev.stead.dsl.internal;

import dev.stead.proto.v1.SourceLocation;
import dev.stead.wire.ResourceTags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The tags of one compile: those a class or defined type instance body gave ({@code tag 'x'}),
 * which reach every resource contained there, and the checking of tags as written. Mutable;
 * confined to that compile.
 */
final class ResourceTagging {
  /** Per class or instance key, the tags its body or declaration gave. */
  private final Map<String, Set<String>> byContainer = new HashMap<>();
  private final BiConsumer<SourceLocation, String> errors;

  /** @param errors where a bad tag is reported, with the line it was written on */
  ResourceTagging(BiConsumer<SourceLocation, String> errors) {
    this.errors = errors;
  }

  /** Tags {@code container} (a class name or instance key) with {@code values}. */
  void tagContainer(String container, Object values, SourceLocation here) {
    add(byContainer.computeIfAbsent(container, k -> new TreeSet<>()), values, here);
  }

  /**
   * Adds {@code values} (a tag, or lists of them) to {@code out} in lower case; anything that
   * is not a tag is reported at {@code here}.
   */
  void add(Set<String> out, Object values, SourceLocation here) {
    List<Object> flat = new ArrayList<>();
    flatten(values, flat);
    if (flat.isEmpty()) {
      errors.accept(here, "tag needs at least one tag, e.g. tag 'web'");
    }
    for (Object v : flat) {
      String tag = v instanceof CharSequence t ? t.toString().toLowerCase(Locale.ROOT) : null;
      if (!ResourceTags.valid(tag)) {
        errors.accept(here, "tag " + ResourceRules.describe(v) + " is not a tag: use lower-case"
            + " letters, digits, _ : . - (not starting with : . -)");
      } else {
        out.add(tag);
      }
    }
  }

  /** The tags {@code d} carries in the catalog: its own and those of its containers. */
  SortedSet<String> given(ResourceDecl d) {
    SortedSet<String> tags = new TreeSet<>(d.tags);
    for (String c : d.containers) {
      tags.addAll(byContainer.getOrDefault(c, Set.of()));
    }
    return tags;
  }

  /** Every tag of {@code d}, the automatic ones included. */
  SortedSet<String> all(ResourceDecl d) {
    SortedSet<String> tags = ResourceTags.automatic(d.spec.name(), d.title, d.containers);
    tags.addAll(given(d));
    return tags;
  }

  /** Appends the items of {@code value}, arrays and iterables opened at any depth, to {@code out}. */
  static void flatten(Object value, List<Object> out) {
    if (value instanceof Object[] array) {
      for (Object o : array) {
        flatten(o, out);
      }
    } else if (value instanceof Iterable<?> items) {
      for (Object o : items) {
        flatten(o, out);
      }
    } else {
      out.add(value);
    }
  }
}
