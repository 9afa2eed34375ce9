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
 * A change of what a catalog holds (a new field filled, e.g. where data values came from)
 * re-pins them, said in its commit.
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
        "sha256:3d26272680cfa54a075ecdc42bd35f13d387fcffe960b1bab715e443237aac6e");
    assertThat(Catalogs.sha256Hex(debian.toByteArray())).isEqualTo(
        "03007dcb86f85741334d7c142507d847937f28fe35e131948f9d51e1a13e106b");
    assertThat(redhat.getDigest()).isEqualTo(
        "sha256:81b84d1375b9955534fbe5031624254286d610607a20c9b0755c3c54006b535c");
    assertThat(Catalogs.sha256Hex(redhat.toByteArray())).isEqualTo(
        "9604911b2e19fe0b4eef6eb290cae1e284f292e5eb919cc0f455ad5769729eca");
  }
}
