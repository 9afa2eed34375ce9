package dev.stead.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerIdentityTest {
  @TempDir Path dir;

  @Test
  void aJarCountsByItsEntriesContentNotByWhenItWasBuilt() throws IOException {
    Map<String, String> classes = new LinkedHashMap<>();
    classes.put("dev/stead/dsl/Sandbox.class", "sandbox v1");
    classes.put("dev/stead/dsl/Script.class", "script base");
    String first = identity(jar("a.jar", classes, 1_000_000L));
    assertThat(identity(jar("b.jar", classes, 2_000_000_000L))).isEqualTo(first);

    classes.put("dev/stead/dsl/Sandbox.class", "sandbox v2");
    assertThat(identity(jar("c.jar", classes, 1_000_000L))).isNotEqualTo(first);

    classes.put("dev/stead/dsl/Sandbox.class", "sandbox v1");
    classes.put("dev/stead/dsl/Added.class", "");
    assertThat(identity(jar("d.jar", classes, 1_000_000L))).isNotEqualTo(first);
  }

  @Test
  void theRunningCompilerHasAnIdentity() {
    assertThat(CompilerIdentity.value()).hasSize(64).isEqualTo(CompilerIdentity.value());
  }

  private Path jar(String name, Map<String, String> entries, long timeMillis)
      throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        JarEntry entry = new JarEntry(e.getKey());
        entry.setLastModifiedTime(FileTime.fromMillis(timeMillis));
        out.putNextEntry(entry);
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  private static String identity(Path jar) throws IOException {
    MessageDigest sha = ClassCacheFile.sha256();
    CompilerIdentity.digestEntries(jar, sha);
    return HexFormat.of().formatHex(sha.digest());
  }
}
