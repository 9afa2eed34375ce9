package dev.stead.wire;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.TagLimit;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code --tags a,b --skip-tags c}: which resources of a catalog a run applies. A resource is
 * selected when it has one of the tags (or no tags were asked for) and none of the skip tags.
 * As in Puppet, the untagged resources a selected one depends on are not pulled in: the run
 * applies exactly the selected resources, in the catalog's order, a dependency left out
 * counting as satisfied. Immutable.
 */
public final class TagFilter {
  private final SortedSet<String> tags;
  private final SortedSet<String> skipTags;

  private TagFilter(SortedSet<String> tags, SortedSet<String> skipTags) {
    this.tags = tags;
    this.skipTags = skipTags;
  }

  /** No limit: every resource is applied. */
  public static TagFilter none() {
    return new TagFilter(new TreeSet<>(), new TreeSet<>());
  }

  /**
   * From the lists as given on the command line (each element may hold several tags
   * separated by commas).
   *
   * @throws IllegalArgumentException naming a tag that is not one
   */
  public static TagFilter of(Collection<String> tags, Collection<String> skipTags) {
    return new TagFilter(parse(tags, "--tags"), parse(skipTags, "--skip-tags"));
  }

  private static SortedSet<String> parse(Collection<String> values, String option) {
    SortedSet<String> out = new TreeSet<>();
    for (String value : values) {
      for (String part : value.split(",")) {
        String tag = part.strip().toLowerCase(Locale.ROOT);
        if (tag.isEmpty()) {
          continue;
        }
        if (!ResourceTags.valid(tag)) {
          throw new IllegalArgumentException(option + ": '" + part.strip() + "' is not a tag"
              + " (lower-case letters, digits, _ : . -)");
        }
        out.add(tag);
      }
    }
    return out;
  }

  /** Whether this limits the run at all. */
  public boolean limits() {
    return !tags.isEmpty() || !skipTags.isEmpty();
  }

  /** What a report records of this limit. */
  public TagLimit toProto() {
    return TagLimit.newBuilder().addAllTags(tags).addAllSkipTags(skipTags).build();
  }

  public boolean selects(Resource resource) {
    Set<String> all = ResourceTags.of(resource);
    if (!tags.isEmpty() && all.stream().noneMatch(tags::contains)) {
      return false;
    }
    return all.stream().noneMatch(skipTags::contains);
  }

  /** The keys of the resources of {@code catalog} this selects. */
  public Set<ResourceKey> select(Catalog catalog) {
    Set<ResourceKey> keys = new HashSet<>();
    for (Resource r : catalog.getResourcesList()) {
      if (selects(r)) {
        keys.add(ResourceKey.of(r.getType(), r.getTitle()));
      }
    }
    return keys;
  }

  @Override
  public String toString() {
    return "tags " + tags + " skip " + skipTags;
  }
}
