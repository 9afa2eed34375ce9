package dev.stead.agent.resource.pkg;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Installed packages as dpkg has them, read by {@link PackageState}: each at its exact version,
 * so the declaration stays in sync until the package changes.
 */
public final class PkgInspection implements Inspection {
  @Override
  public String type() {
    return "pkg";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    return read(context).installedVersion(name).map(v -> declared(name, v));
  }

  @Override
  public List<Inspected> all(ApplyContext context) throws IOException {
    PackageState state = read(context);
    return state.installedNames().stream().sorted()
        .map(n -> declared(n, state.installedVersion(n).orElseThrow())).toList();
  }

  private static PackageState read(ApplyContext context) throws IOException {
    StringBuilder error = new StringBuilder();
    PackageState state = PackageState.read(context.host(), error);
    if (!error.isEmpty()) {
      throw new IOException(error.toString());
    }
    return state;
  }

  private static Inspected declared(String name, String version) {
    return new Inspected("pkg", name, Map.of("ensure", version));
  }
}
