package dev.stead.agent.resource.service;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Services as the provider a run would choose sees them: running or stopped, enabled or
 * not (a state that cannot be read is left out). Listed are the services that provider manages (systemd's unit files, or the init
 * scripts of /etc/init.d). Where init scripts are used because systemd is not the running
 * init, the systemd units without a script are listed too, commented out: no run here could
 * manage them.
 */
public final class ServiceInspection implements Inspection {
  /** Where unit files live, the administrator's first (as systemd reads them). */
  private static final List<String> UNIT_DIRECTORIES = List.of("/etc/systemd/system",
      "/usr/lib/systemd/system", "/lib/systemd/system");

  @Override
  public String type() {
    return "service";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    ServiceProvider provider = provider(context);
    if (!provider.checkExists(context, name).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(inspect(context, provider, name));
  }

  @Override
  public List<Inspected> all(ApplyContext context) throws IOException {
    ServiceProvider provider = provider(context);
    List<String> names = provider.list(context);
    List<Inspected> out = new ArrayList<>();
    for (String name : names) {
      out.add(inspect(context, provider, name));
    }
    if (provider instanceof InitScriptProvider) {
      for (String unit : unitFiles(context)) {
        if (!names.contains(unit)) {
          out.add(new Inspected("service", unit, Map.of(), "a systemd unit, but systemd is"
              + " not the running init here, so services are managed through /etc/init.d,"
              + " which has no script for it"));
        }
      }
    }
    return out;
  }

  private static ServiceProvider provider(ApplyContext context) throws IOException {
    return ServiceType.PROVIDERS.stream().filter(p -> p.available(context)).findFirst()
        .orElseThrow(() -> new IOException("no service manager found (neither systemd nor "
            + "init scripts)"));
  }

  /**
   * A state that cannot be read (an init script without a {@code status} action answers 4,
   * "unknown") is left out, so the declaration leaves it alone and stays in sync; when
   * neither can be read, the service is shown commented out with the reason.
   */
  private static Inspected inspect(ApplyContext context, ServiceProvider provider,
      String name) {
    ServiceProvider.State running = provider.running(context, name);
    ServiceProvider.State enabled = provider.enabled(context, name);
    Map<String, Object> p = new LinkedHashMap<>();
    if (!running.failed()) {
      p.put("ensure", running.yes() ? "running" : "stopped");
    }
    if (!enabled.failed()) {
      p.put("enable", enabled.yes());
    }
    String note = p.isEmpty() ? "its state cannot be read: " + running.error().strip() : "";
    return new Inspected("service", name, p, note);
  }

  /** Service unit files on disk (no templates), by name without {@code .service}. */
  private static Set<String> unitFiles(ApplyContext context) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String dir : UNIT_DIRECTORIES) {
      Path path = context.paths().resolve(dir);
      if (!Files.isDirectory(path)) {
        continue;
      }
      try (DirectoryStream<Path> units = Files.newDirectoryStream(path, "*.service")) {
        for (Path unit : units) {
          String name = unit.getFileName().toString();
          if (!name.contains("@") && !Files.isDirectory(unit)) {
            out.add(name.substring(0, name.length() - ".service".length()));
          }
        }
      }
    }
    return out;
  }
}
