package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.wire.Catalogs;
import dev.stead.wire.Values;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {
  @TempDir Path dir;

  private Code code() {
    return new Code(dir)
        .file("modules/app/manifests/app.groovy", """
            klass('app') { Map settings = [b: 2, a: 1] ->
              file('/etc/app', ensure: 'directory')
              settings.each { k, v -> file("/etc/app/${k}", content: "${v} ${facts.os.family}",
                  requires: file('/etc/app')) }
            }
            """)
        .file("site.groovy", "node('default') { include 'app' }\n");
  }

  private static Facts facts(boolean reversed) {
    Map<String, Object> os = new LinkedHashMap<>();
    Map<String, Object> top = new LinkedHashMap<>();
    if (reversed) {
      os.put("name", "Debian");
      os.put("family", "Debian");
      top.put("processors", Map.of("count", 4));
      top.put("os", os);
    } else {
      os.put("family", "Debian");
      os.put("name", "Debian");
      top.put("os", os);
      top.put("processors", Map.of("count", 4));
    }
    return Facts.newBuilder().putAllValues(Values.ofMap(top)).build();
  }

  @Test
  void twoCompilersSameCodeSameBytes() throws Exception {
    Catalog one = code().environment().compile("n1", facts(false));
    Catalog two = code().environment().compile("n1", facts(false));
    assertThat(one.getDigest()).isEqualTo(two.getDigest());
    assertThat(Catalogs.deterministicBytes(one)).isEqualTo(Catalogs.deterministicBytes(two));
    assertThat(Catalogs.verify(one)).isTrue();
  }

  @Test
  void factOrderDoesNotMatter() throws Exception {
    Compiler c = code().environment();
    assertThat(c.compile("n1", facts(true)).getDigest())
        .isEqualTo(c.compile("n1", facts(false)).getDigest());
  }

  @Test
  void concurrentCompilesAgree() throws Exception {
    Compiler c = code().environment();
    String expected = c.compile("n1", facts(false)).getDigest();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        results.add(pool.submit(() -> c.compile("n1", facts(false)).getDigest()));
      }
      for (Future<String> f : results) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void catalogCarriesItsStamps() throws Exception {
    Catalog c = code().environment().compile("n1", facts(false));
    assertThat(c.getNode()).isEqualTo("n1");
    assertThat(c.getEnvironment()).isEqualTo(dir.getFileName().toString());
    assertThat(c.getCodeVersion()).startsWith("sha256:");
    assertThat(c.getResources(1).getSource().getFile()).isEqualTo("modules/app/manifests/app.groovy");
  }
}
