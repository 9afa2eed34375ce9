package dev.stead.master.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.PropertyDiff;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceChangeKind;
import dev.stead.proto.v1.ResourceDiff;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Values;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogDiffTest {
  private static Resource file(String path, Object content) {
    return Resource.newBuilder().setType("file").setTitle(path)
        .putParameters("content", content instanceof Value v ? v : Values.of(content)).build();
  }

  private static Catalog catalog(Resource... resources) {
    return Catalog.newBuilder().addAllResources(List.of(resources)).build();
  }

  @Test
  void listsAddedRemovedAndModifiedInResourceOrder() {
    Catalog before = catalog(file("/b", "one"), file("/c", "x"));
    Catalog after = catalog(file("/a", "new"), file("/b", "two"));

    List<ResourceDiff> diffs = CatalogDiff.between(before, after);

    assertThat(diffs).extracting(ResourceDiff::getResource, ResourceDiff::getKind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("file[/a]", ResourceChangeKind.RESOURCE_ADDED),
            org.assertj.core.groups.Tuple.tuple("file[/b]", ResourceChangeKind.RESOURCE_MODIFIED),
            org.assertj.core.groups.Tuple.tuple("file[/c]", ResourceChangeKind.RESOURCE_REMOVED));
    PropertyDiff content = diffs.get(1).getProperties(0);
    assertThat(content.getBefore()).isEqualTo("one");
    assertThat(content.getAfter()).isEqualTo("two");
    assertThat(content.getDiff()).isEmpty();
  }

  @Test
  void exportsAreComparedAndNamedApartFromTheManagedResources() {
    Resource host = Resource.newBuilder().setType("host").setTitle("web1").setExported(true)
        .putParameters("ip", Values.of("10.0.0.1")).build();
    Resource moved = host.toBuilder().putParameters("ip", Values.of("10.0.0.2")).build();
    Catalog before = catalog(host).toBuilder().addExports(host).build();
    Catalog after = catalog(host).toBuilder().addExports(moved).build();

    List<ResourceDiff> diffs = CatalogDiff.between(before, after);

    assertThat(diffs).extracting(ResourceDiff::getResource, ResourceDiff::getKind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("export host[web1]",
            ResourceChangeKind.RESOURCE_MODIFIED));
    assertThat(diffs.get(0).getProperties(0).getAfter()).isEqualTo("10.0.0.2");
  }

  @Test
  void equalCatalogsDifferInNothingAndANoopFlagIsAChange() {
    Resource r = file("/a", "x");
    assertThat(CatalogDiff.between(catalog(r), catalog(r))).isEmpty();

    List<ResourceDiff> diffs = CatalogDiff.between(catalog(r),
        catalog(r.toBuilder().setNoop(true).build()));

    assertThat(diffs.get(0).getPropertiesList()).extracting(PropertyDiff::getProperty,
        PropertyDiff::getBefore, PropertyDiff::getAfter)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("noop", "false", "true"));
  }

  @Test
  void aSecretReplacingTextShowsItsReferenceInTheDiff() {
    Value secret = Value.newBuilder().setSecretValue(SecretRef.newBuilder()
        .setKeyId("0123456789abcdef").setKeyedHash("ab".repeat(32))).build();

    PropertyDiff p = CatalogDiff.between(catalog(file("/a", "user=x\npass=y\n")),
        catalog(file("/a", secret))).get(0).getProperties(0);

    assertThat(p.getDiff()).contains("-pass=y\n")
        .contains("+[secret 0123456789abcdef:" + "ab".repeat(32) + "]\n");
  }
}
