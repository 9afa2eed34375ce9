package dev.stead.agent.resource.firewall;

import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.CatalogAware;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.firewall.Nft.NftException;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import dev.stead.wire.ResourceKey;
import dev.stead.wire.UnifiedDiff;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One table Stead owns. Property {@code ruleset}: {@code sha256:} of the table as nft lists it
 * ({@code absent} when there is none), with a diff of the listings. Property {@code purge}
 * (with {@code purge}): the other tables no {@code firewall} resource of the catalog names,
 * which are deleted in the same transaction. Learns those names in {@link #seeResources}, the
 * one mutable step, done before the run; otherwise immutable.
 */
final class FirewallResource implements Checkable, CatalogAware {
  private final NftTable table;
  /** The whole desired table in nft syntax; empty when the table should be absent. */
  private final String text;
  private final boolean purge;
  private Set<NftTable> named;

  FirewallResource(NftTable table, String text, boolean purge) {
    this.table = table;
    this.text = text;
    this.purge = purge;
    this.named = Set.of(table);
  }

  @Override
  public void seeCatalog(Set<ResourceKey> managed) {}

  @Override
  public void seeResources(List<Resource> resources) {
    Set<NftTable> out = new HashSet<>(Set.of(table));
    for (Resource r : resources) {
      FirewallType.tableOf(r).ifPresent(out::add);
    }
    named = Set.copyOf(out);
  }

  @Override
  public Result checkApply(ApplyContext context, boolean apply) {
    Changes changes = new Changes(apply);
    Nft nft = new Nft(context.host(), table.netns());
    try {
      String desired = text.isEmpty() ? "" : desiredListing(nft);
      String after = desired.isEmpty() ? "absent" : digest(desired);
      changes.desire("ruleset", after);
      if (purge) {
        changes.desire("purge", "absent");
      }
      Optional<String> live = nft.list(table);
      String before = live.map(FirewallResource::digest).orElse("absent");
      List<String> unmanaged = purge ? unmanaged(nft.tables()) : List.of();
      if (before.equals(after) && unmanaged.isEmpty()) {
        return changes.result();
      }
      StringBuilder script = new StringBuilder();
      if (!before.equals(after)) {
        if (!desired.isEmpty()) {
          // Create-if-missing first, so the delete never fails: one atomic replacement.
          script.append(table.header()).append('\n');
        }
        if (live.isPresent() || !desired.isEmpty()) {
          script.append("delete ").append(table.header()).append('\n');
        }
        script.append(text);
        changes.record("ruleset", before, after, UnifiedDiff.of(table.header(),
            live.orElse("").getBytes(StandardCharsets.UTF_8),
            desired.getBytes(StandardCharsets.UTF_8)));
      }
      for (String other : unmanaged) {
        script.append("delete table ").append(other).append('\n');
      }
      if (!unmanaged.isEmpty()) {
        changes.record("purge", String.join(", ", unmanaged), "absent");
      }
      try {
        nft.check(script.toString());
      } catch (NftException e) {
        return changes.fail("nft -c refuses the change, nothing applied: " + e.getMessage());
      }
      if (!apply) {
        return changes.result();
      }
      nft.load(script.toString());
      String now = nft.list(table).orElse("");
      if (!now.equals(desired)) {
        return changes.fail("after nft -f, " + table.header() + " still differs from the"
            + " desired table:\n" + UnifiedDiff.of(table.header(),
                now.getBytes(StandardCharsets.UTF_8), desired.getBytes(StandardCharsets.UTF_8)));
      }
      return changes.result();
    } catch (NftException e) {
      return changes.fail(e.getMessage());
    }
  }

  /** How nft lists the desired table, learnt in a throwaway namespace; only that table. */
  private String desiredListing(Nft nft) throws NftException {
    String listing = nft.canonical(text);
    List<String> tables = listing.lines().filter(l -> l.startsWith("table ")).toList();
    if (!tables.equals(List.of(table.header() + " {"))) {
      throw new NftException("the desired ruleset must define only " + table.header()
          + ", it defines " + String.join(", ", tables.stream()
              .map(l -> l.replace(" {", "")).toList()));
    }
    return listing;
  }

  private List<String> unmanaged(List<String> tables) {
    return tables.stream()
        .filter(t -> named.stream().noneMatch(n -> n.netns().equals(table.netns())
            && n.spec().equals(t)))
        .sorted().toList();
  }

  private static String digest(String listing) {
    return "sha256:" + Catalogs.sha256Hex(listing.getBytes(StandardCharsets.UTF_8));
  }
}
