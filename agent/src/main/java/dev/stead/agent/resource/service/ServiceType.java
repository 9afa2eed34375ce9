package dev.stead.agent.resource.service;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code service} type. Providers are tried in this explicit priority order and the first
 * available one is used: systemd (when it is the running init), then init scripts.
 */
public final class ServiceType implements ResourceType {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@_.:\\-]*");
  static final List<ServiceProvider> PROVIDERS = List.of(new SystemdProvider(),
      new InitScriptProvider());

  @Override
  public String name() {
    return ResourceTypes.SERVICE.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.SERVICE);
    if (!NAME.matcher(p.title()).matches()) {
      throw new InvalidResourceException("`" + p.title() + "` is not a service name");
    }
    String ensure = p.string("ensure");
    Boolean enable = p.bool("enable");
    String provider = p.string("provider");
    return new ServiceResource(p.title(), ensure == null ? null : ensure.equals("running"),
        enable, provider);
  }
}
