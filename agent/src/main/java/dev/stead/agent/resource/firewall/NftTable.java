package dev.stead.agent.resource.firewall;

import java.util.Objects;

/**
 * One nftables table in one network namespace: what a {@code firewall} resource owns and what
 * {@code purge} spares. {@code netns} is empty for the agent's own namespace. Immutable.
 */
record NftTable(String netns, String family, String name) {
  NftTable {
    Objects.requireNonNull(netns, "netns");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(name, "name");
  }

  /** As nft writes it: {@code table inet stead}. */
  String header() {
    return "table " + family + " " + name;
  }

  /** As nft's commands take it: {@code inet stead}. */
  String spec() {
    return family + " " + name;
  }
}
