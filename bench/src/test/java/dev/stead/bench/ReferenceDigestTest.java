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
        "sha256:d37c15b1ce8ee61793f7da3c851ca396838aecefab0b8de1890dd576b04fe6c4");
    assertThat(Catalogs.sha256Hex(debian.toByteArray())).isEqualTo(
        "65ba2b5a0f9512a207817bde47250db13ed7eb2924eaff16855e6b3850644822");
    assertThat(redhat.getDigest()).isEqualTo(
        "sha256:179105851b68957e05e10dbc9730fa820e5abc528c02d866800b0f81768d678e");
    assertThat(Catalogs.sha256Hex(redhat.toByteArray())).isEqualTo(
        "52b2dd2f3b95ec02bcfa2de4b6f1242a9fc173e99bc7955edcc81070aa8b5762");
  }
}
