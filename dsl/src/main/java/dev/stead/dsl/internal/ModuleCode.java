package dev.stead.dsl.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * A module found on the module path: its name, directory, the prefix its files carry in
 * error locations (e.g. {@code motd/} or {@code modules/motd/}) and its compiled manifests
 * in file-name order. Immutable.
 */
public record ModuleCode(String name, Path dir, String relativePrefix,
    List<CompiledScript> manifests) {
  public ModuleCode {
    manifests = List.copyOf(manifests);
  }
}
