package dev.stead.agent.resource.service;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Inspected;
import dev.stead.agent.resource.Inspection;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One service as the provider a run would choose sees it: running or stopped, enabled or
 * not. Services are not listed: name one.
 */
public final class ServiceInspection implements Inspection {
  @Override
  public String type() {
    return "service";
  }

  @Override
  public Optional<Inspected> one(ApplyContext context, String name) throws IOException {
    ServiceProvider provider = ServiceType.PROVIDERS.stream()
        .filter(p -> p.available(context)).findFirst()
        .orElseThrow(() -> new IOException("no service manager found (neither systemd nor "
            + "init scripts)"));
    if (!provider.checkExists(context, name).isEmpty()) {
      return Optional.empty();
    }
    ServiceProvider.State running = provider.running(context, name);
    ServiceProvider.State enabled = provider.enabled(context, name);
    for (ServiceProvider.State s : List.of(running, enabled)) {
      if (s.failed()) {
        throw new IOException(s.error());
      }
    }
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("ensure", running.yes() ? "running" : "stopped");
    p.put("enable", enabled.yes());
    return Optional.of(new Inspected("service", name, p));
  }

  @Override
  public List<Inspected> all(ApplyContext context) {
    throw new UnsupportedOperationException("services cannot be listed: name one");
  }
}
