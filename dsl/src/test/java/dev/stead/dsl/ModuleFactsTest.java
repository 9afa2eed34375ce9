package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ModuleFact;
import dev.stead.wire.SourceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module's facts.d/ travels in the catalogs of the nodes that use the module. */
class ModuleFactsTest {
  @TempDir Path dir;

  private Code code() throws Exception {
    Code c = new Code(dir)
        .file("site.groovy", "node('web01') { include 'patching' }\nnode('default') { }\n")
        .file("modules/patching/manifests/patching.groovy", "klass('patching') { }\n")
        .file("modules/patching/facts.d/pending.sh", "#!/bin/sh\necho pending=3\n")
        .file("modules/patching/facts.d/window.yaml", "window: sunday\n")
        .file("modules/patching/facts.d/.hidden", "x\n")
        .file("modules/other/manifests/other.groovy", "klass('other') { }\n")
        .file("modules/other/facts.d/other.txt", "other=1\n");
    Files.setPosixFilePermissions(dir.resolve("modules/patching/facts.d/pending.sh"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    return c;
  }

  @Test
  void theFactsOfUsedModulesOnlyAreCarriedWithChecksumAndExecutableBit() throws Exception {
    Compiler compiler = code().environment();
    Catalog web = compiler.compile("web01", Code.debian());
    assertThat(web.getModuleFactsList()).containsExactly(
        ModuleFact.newBuilder().setModule("patching").setName("pending.sh")
            .setChecksum(SourceFiles.checksum("#!/bin/sh\necho pending=3\n".getBytes()))
            .setExecutable(true).build(),
        ModuleFact.newBuilder().setModule("patching").setName("window.yaml")
            .setChecksum(SourceFiles.checksum("window: sunday\n".getBytes())).build());
    assertThat(compiler.compile("db01", Code.debian()).getModuleFactsList())
        .as("a node that does not use the module").isEmpty();
  }

  @Test
  void aChangedFactFileChangesTheCatalog() throws Exception {
    Code c = code();
    String before = c.environment().compile("web01", Code.debian()).getDigest();
    c.file("modules/patching/facts.d/window.yaml", "window: saturday\n");
    assertThat(c.environment().compile("web01", Code.debian()).getDigest()).isNotEqualTo(before);
  }

  @Test
  void aFactFileLinkingOutOfItsModuleIsRefused() throws Exception {
    Code c = code();
    Files.writeString(dir.resolve("secret.txt"), "key=1\n");
    Files.createSymbolicLink(dir.resolve("modules/patching/facts.d/leak.txt"),
        dir.resolve("secret.txt"));
    assertThat(Code.errorsOf(() -> c.environment().compile("web01", Code.debian())))
        .singleElement().asString().startsWith("modules/patching/facts.d/leak.txt:0: ");
  }
}
