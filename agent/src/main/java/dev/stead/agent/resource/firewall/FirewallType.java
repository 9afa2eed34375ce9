package dev.stead.agent.resource.firewall;

import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.types.ResourceTypes;
import dev.stead.types.Validators;
import java.util.Optional;

/**
 * The {@code firewall} type: one nftables table Stead owns, given as {@code chains} or as
 * {@code ruleset} text, in the agent's network namespace or a named one. See
 * {@link FirewallResource} for how it converges.
 */
public final class FirewallType implements ResourceType {
  @Override
  public String name() {
    return ResourceTypes.FIREWALL.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.FIREWALL);
    String name = p.string("table");
    String problem = Validators.NFT_NAME.problem(name);
    if (problem != null) {
      throw new InvalidResourceException("the table name (the title unless `table` is given) "
          + problem + ", got `" + name + "`");
    }
    String netns = p.string("netns");
    NftTable table = new NftTable(netns == null ? "" : netns, p.string("family"), name);
    Value chains = resource.getParametersMap().get("chains");
    String ruleset = p.string("ruleset");
    boolean present = p.string("ensure").equals("present");
    if (chains != null && ruleset != null) {
      throw new InvalidResourceException("give either `chains` or `ruleset`, not both");
    }
    if (!present && (chains != null || ruleset != null)) {
      throw new InvalidResourceException("`chains` and `ruleset` need ensure present");
    }
    if (present && chains == null && ruleset == null) {
      throw new InvalidResourceException("`chains` or `ruleset` is required when ensure is"
          + " present");
    }
    String body = chains != null ? ChainsText.render(chains) : ruleset;
    if (body != null && !ChainsText.balanced(body)) {
      throw new InvalidResourceException("`ruleset` must be the table's body, with balanced"
          + " braces: it cannot close the table or write outside it");
    }
    String text = present ? table.header() + " {\n" + body.strip() + "\n}\n" : "";
    return new FirewallResource(table, text, p.bool("purge"));
  }

  /**
   * The table {@code resource} names when it is a {@code firewall}, read leniently (an
   * invalid one fails on its own): what {@code purge} of another resource must spare.
   */
  static Optional<NftTable> tableOf(Resource resource) {
    if (!resource.getType().equals(ResourceTypes.FIREWALL.name())) {
      return Optional.empty();
    }
    try {
      Params p = Params.of(resource, ResourceTypes.FIREWALL);
      String netns = p.string("netns");
      return Optional.of(new NftTable(netns == null ? "" : netns, p.string("family"),
          p.string("table")));
    } catch (InvalidResourceException e) {
      return Optional.empty();
    }
  }
}
