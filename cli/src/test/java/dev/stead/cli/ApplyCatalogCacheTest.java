package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `stead apply` reuses the compiled catalog of unchanged inputs, in a real child JVM whose
 * class loading is watched: a hit loads no Groovy and no dsl class.
 */
class ApplyCatalogCacheTest {
  @TempDir Path tmp;

  private record Run(int exitCode, String output) {}

  private Run apply(Path manifest, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("apply", manifest.toString(),
        "--root", tmp.resolve("root").toString(), "--state", tmp.resolve("state").toString(),
        "--certname", "cache.test", "--modulepath", tmp.resolve("modules").toString()));
    args.addAll(List.of(extra));
    List<String> command = new ArrayList<>(StepProcess.command(args.toArray(String[]::new)));
    command.add(1, "-verbose:class");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  private static boolean loadedGroovy(Run r) {
    // (dev.stead.dsl.CompileException alone may load: other commands catch it.)
    return r.output().lines().anyMatch(l -> l.startsWith("[") && (l.contains(" groovy.")
        || l.contains(" org.codehaus.groovy.") || l.contains(" dev.stead.dsl.Compiler ")));
  }

  private long cached() throws Exception {
    try (Stream<Path> s = Files.list(tmp.resolve("state/catalog/apply"))) {
      return s.count();
    }
  }

  @Test
  void unchangedInputsReuseTheCatalogWithoutLoadingGroovy() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Files.createDirectories(tmp.resolve("modules/motd/manifests"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/motd', content: 'hello\\n', mode: '0644')\n");

    Run first = apply(manifest);
    assertThat(first.exitCode()).as(first.output()).isEqualTo(2);
    assertThat(loadedGroovy(first)).isTrue();
    assertThat(cached()).isEqualTo(1);

    Files.writeString(tmp.resolve("root/etc/motd"), "tampered\n");
    Run second = apply(manifest);
    assertThat(second.exitCode()).as(second.output()).isEqualTo(2);
    assertThat(second.output()).contains("drift: file[/etc/motd] content");
    assertThat(loadedGroovy(second)).as("a cache hit loads no Groovy").isFalse();
    assertThat(tmp.resolve("root/etc/motd")).hasContent("hello");

    // A changed module file is a changed input: compile again.
    Files.writeString(tmp.resolve("modules/motd/manifests/motd.groovy"), "klass('motd') { }\n");
    Run third = apply(manifest);
    assertThat(third.exitCode()).as(third.output()).isZero();
    assertThat(loadedGroovy(third)).isTrue();
    assertThat(cached()).isEqualTo(2);

    Run noCache = apply(manifest, "--no-catalog-cache");
    assertThat(noCache.exitCode()).isZero();
    assertThat(loadedGroovy(noCache)).isTrue();
  }

  @Test
  void aDamagedCachedCatalogIsCompiledAgain() throws Exception {
    Files.createDirectories(tmp.resolve("root/etc"));
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/motd', content: 'hello\\n')\n");
    assertThat(apply(manifest).exitCode()).isEqualTo(2);
    Path stored;
    try (Stream<Path> s = Files.list(tmp.resolve("state/catalog/apply"))) {
      stored = s.findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(stored);
    bytes[bytes.length / 2] ^= 1;
    Files.write(stored, bytes);
    Run again = apply(manifest);
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(loadedGroovy(again)).isTrue();
  }
}
