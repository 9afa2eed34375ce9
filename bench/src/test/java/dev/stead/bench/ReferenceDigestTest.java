package dev.stead.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.Compiler;
import dev.stead.dsl.Trusted;
import dev.stead.proto.v1.Catalog;
import dev.stead.wire.Catalogs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the catalogs of the reference code for fixed nodes and facts, byte for byte: compile
 * optimisations must not change a single byte (source lines, template output, ordering).
 * The environment is written under a fixed directory name, since the catalog carries it.
 */
class ReferenceDigestTest {
  @TempDir Path dir;

  @Test
  void referenceCatalogsAreByteIdenticalToThePinnedOnes() throws Exception {
    Compiler compiler =
        Compiler.forEnvironment(ReferenceCode.write(dir.resolve("reference"), 100), List.of());
    Catalog debian = compiler.compile("node06", ReferenceCode.facts(6, 42), Trusted.of("node06"));
    Catalog redhat = compiler.compile("node03", ReferenceCode.facts(3, 1), Trusted.of("node03"));

    assertThat(Catalogs.verify(debian)).isTrue();
    assertThat(debian.getResourcesCount()).isEqualTo(100);
    assertThat(debian.getDigest()).isEqualTo(
        "sha256:81c547b329e860226d3e35c804532ce83c831c2657bb5557da1c3e3d44e425b0");
    assertThat(Catalogs.sha256Hex(debian.toByteArray())).isEqualTo(
        "5c61a302b612c2345dc46e9af3804a9f6ac5fd02320f45c7cf90b75d09ce64ad");
    assertThat(redhat.getDigest()).isEqualTo(
        "sha256:b1895186ddee331bafb0e67bad9b76af1d596530486f69bbf7b7a07bd98b8dbc");
    assertThat(Catalogs.sha256Hex(redhat.toByteArray())).isEqualTo(
        "0226cd5f1e572d2436180631b8d7fb7dbf1ba613420dfc50527e16a131f4c803");
  }
}
