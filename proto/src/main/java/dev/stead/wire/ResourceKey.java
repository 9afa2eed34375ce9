package dev.stead.wire;

import java.util.Objects;

/** The identity of a resource, {@code type[title]}. Immutable. */
public final class ResourceKey implements Comparable<ResourceKey> {
  private final String type;
  private final String title;

  private ResourceKey(String type, String title) {
    this.type = type;
    this.title = title;
  }

  public static ResourceKey of(String type, String title) {
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("resource type is empty");
    }
    if (title == null || title.isEmpty()) {
      throw new IllegalArgumentException("resource title is empty for type " + type);
    }
    return new ResourceKey(type, title);
  }

  /** Parses {@code type[title]}; the title may itself contain brackets. */
  public static ResourceKey parse(String key) {
    int open = key.indexOf('[');
    if (open <= 0 || !key.endsWith("]")) {
      throw new IllegalArgumentException("not a resource key (type[title]): " + key);
    }
    return of(key.substring(0, open), key.substring(open + 1, key.length() - 1));
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  @Override
  public int compareTo(ResourceKey other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceKey k && k.type.equals(type) && k.title.equals(title);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, title);
  }

  @Override
  public String toString() {
    return type + "[" + title + "]";
  }
}
