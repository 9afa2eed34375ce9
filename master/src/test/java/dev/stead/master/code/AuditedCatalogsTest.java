package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.Resource;
import dev.stead.wire.Catalogs;
import org.junit.jupiter.api.Test;

class AuditedCatalogsTest {
  private static Catalog compiled() {
    return Catalogs.seal(Catalog.newBuilder().setNode("web01").setCodeVersion("v1")
        .addResources(Resource.newBuilder().setType("file").setTitle("/etc/motd"))
        .addResources(Resource.newBuilder().setType("pkg").setTitle("curl").setNoop(true))
        .build());
  }

  @Test
  void anAuditedCatalogIsNoopThroughoutAndSealedWithItsOwnDigest() {
    Catalog compiled = compiled();

    Catalog audited = new AuditedCatalogs().serve(compiled, Mode.AUDIT);

    assertThat(audited.getMode()).isEqualTo(Mode.AUDIT);
    assertThat(audited.getResourcesList()).allMatch(Resource::getNoop).hasSize(2);
    assertThat(Catalogs.verify(audited)).isTrue();
    // Another digest: an agent holding the enforcing catalog is not told "unchanged".
    assertThat(audited.getDigest()).isNotEqualTo(compiled.getDigest());
  }

  @Test
  void anEnforcedCatalogIsServedAsCompiled() {
    Catalog compiled = compiled();

    assertThat(new AuditedCatalogs().serve(compiled, Mode.ENFORCE)).isSameAs(compiled);
    assertThat(compiled.getMode()).isEqualTo(Mode.MODE_UNSPECIFIED);
  }
}
