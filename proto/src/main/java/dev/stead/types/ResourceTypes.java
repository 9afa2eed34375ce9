package dev.stead.types;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one description of every resource type. The compiler rejects types and parameters
 * not listed here; the agent's provider registry must cover exactly this set (a test checks
 * it); docs/resources.md is generated from it.
 */
public final class ResourceTypes {
  /** The file type: regular files, directories and symbolic links. */
  public static final ResourceTypeSpec FILE = new ResourceTypeSpec("file",
      "A file, directory or symbolic link. The title is the absolute path.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("file", "directory", "link", "absent"),
              "What the path should be. `content` implies `file`; `target` implies `link`."),
          ParameterSpec.string("content",
              "Exact content of a regular file. Reports show it as sha256 plus a diff."),
          ParameterSpec.string("mode",
              "Permission bits as an octal string, e.g. `0644`."),
          ParameterSpec.string("owner", "Owning user name."),
          ParameterSpec.string("group", "Owning group name."),
          ParameterSpec.string("target",
              "Target of a symbolic link, written verbatim (never re-based under --root)."),
          ParameterSpec.bool("force",
              "Replace a directory (or other type) that stands where a file or link should be.")));

  private static final Map<String, ResourceTypeSpec> ALL = index(List.of(FILE));

  private ResourceTypes() {}

  private static Map<String, ResourceTypeSpec> index(List<ResourceTypeSpec> specs) {
    Map<String, ResourceTypeSpec> out = new TreeMap<>();
    for (ResourceTypeSpec spec : specs) {
      if (out.put(spec.name(), spec) != null) {
        throw new IllegalStateException("resource type registered twice: " + spec.name());
      }
    }
    return Map.copyOf(out);
  }

  public static Optional<ResourceTypeSpec> find(String name) {
    return Optional.ofNullable(ALL.get(name));
  }

  /** All types, sorted by name. */
  public static Collection<ResourceTypeSpec> all() {
    return new TreeMap<>(ALL).values();
  }
}
