package dev.stead.wire;

import dev.stead.proto.v1.Resource;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A resource's tags, as Puppet gives them: its type, its title when that is a valid tag,
 * the name of every class and defined type containing it (a class {@code apache::mod} also
 * gives {@code apache}, its module, and {@code mod}), and the tags the code gave
 * ({@link Resource#getTagsList()}). The automatic ones are derived here, on both sides, rather
 * than stored in the catalog: they follow from what the catalog holds already. Stateless.
 */
public final class ResourceTags {
  private static final Pattern VALID = Pattern.compile("[a-z0-9_][a-z0-9_:.-]*");

  private ResourceTags() {}

  /** Whether {@code tag} may be a tag: lower-case letters, digits, {@code _ : . -}. */
  public static boolean valid(String tag) {
    return tag != null && VALID.matcher(tag).matches();
  }

  /** Every tag of {@code resource}, sorted. */
  public static SortedSet<String> of(Resource resource) {
    SortedSet<String> tags = automatic(resource.getType(), resource.getTitle(),
        resource.getContainersList());
    tags.addAll(resource.getTagsList());
    return tags;
  }

  /** The automatic tags of a resource of {@code type} titled {@code title} in {@code containers}. */
  public static SortedSet<String> automatic(String type, String title,
      Collection<String> containers) {
    SortedSet<String> tags = new TreeSet<>();
    tags.add(type);
    String lowerTitle = title.toLowerCase(Locale.ROOT);
    if (valid(lowerTitle)) {
      tags.add(lowerTitle);
    }
    for (String container : containers) {
      int bracket = container.indexOf('[');
      if (bracket > 0) {
        tags.add(container.substring(0, bracket)); // a defined type instance: its type
        continue;
      }
      tags.add(container);
      if (container.contains("::")) {
        tags.addAll(List.of(container.split("::")));
      }
    }
    tags.removeIf(t -> t.isEmpty());
    return tags;
  }
}
