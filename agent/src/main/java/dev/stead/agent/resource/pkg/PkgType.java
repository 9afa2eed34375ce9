package dev.stead.agent.resource.pkg;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.util.regex.Pattern;

/** The {@code pkg} type: Debian packages through apt-get and dpkg. */
public final class PkgType implements ResourceType {
  /** Debian policy: lower case letters, digits, + - . ; at least two, starting alphanumeric. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.\\-]+(:[a-z0-9]+)?");
  private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~:\\-]*");

  @Override
  public String name() {
    return ResourceTypes.PKG.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.PKG);
    String name = p.title();
    if (!NAME.matcher(name).matches()) {
      throw new InvalidResourceException("`" + name + "` is not a Debian package name");
    }
    String ensure = p.string("ensure");
    if (!PkgResource.KEYWORDS.contains(ensure) && !VERSION.matcher(ensure).matches()) {
      throw new InvalidResourceException("`ensure` must be installed, latest, absent, purged or"
          + " a version such as 2.10-3, got `" + ensure + "`");
    }
    return new PkgResource(name, ensure);
  }
}
