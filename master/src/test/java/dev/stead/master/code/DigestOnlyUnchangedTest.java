package dev.stead.master.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.FleetView;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source whose cache holds one catalog still tells two alternating nodes "unchanged". */
class DigestOnlyUnchangedTest {
  @TempDir Path code;

  private static Facts facts(String ip, long uptime) {
    return Facts.newBuilder()
        .putValues("ip", Value.newBuilder().setStringValue(ip).build())
        .putValues("uptime", Value.newBuilder().setIntValue(uptime).build()).build();
  }

  private DslCatalogSource source(long cacheBytes) {
    return DslCatalogSource.load(code, null, List.of(), CompileSlots.perCore(),
        Duration.ofSeconds(30), node -> FleetView.NONE, cacheBytes);
  }

  private static Catalog compiled(CompileOutcome outcome) {
    return ((CompileOutcome.Compiled) outcome).catalog();
  }

  @Test
  void unchangedCheckInsNeedNoCatalogInTheCache() throws Exception {
    Files.writeString(code.resolve("site.groovy"),
        "node('default') { file('/etc/motd') { content 'ip ' + facts.ip } }\n");
    long one = compiled(source(1 << 20).compile("web01", facts("10.0.0.1", 0)))
        .getSerializedSize();
    DslCatalogSource source = source(one + one / 2);
    Catalog web1 = compiled(source.compile("web01", facts("10.0.0.1", 1)));
    Catalog web2 = compiled(source.compile("web02", facts("10.0.0.2", 1)));

    for (int round = 2; round < 6; round++) {
      assertThat(source.unchanged("web01", facts("10.0.0.1", round), web1.getDigest()))
          .isTrue();
      assertThat(source.unchanged("web02", facts("10.0.0.2", round), web2.getDigest()))
          .isTrue();
    }
    // web01's catalog was not in the cache: only its digest was.
    CompileOutcome again = source.compile("web01", facts("10.0.0.1", 9));
    assertThat(((CompileOutcome.Compiled) again).fromCache()).isFalse();
    assertThat(compiled(again).getDigest()).isEqualTo(web1.getDigest());

    // Anything else is left to a compile.
    assertThat(source.unchanged("web02", facts("10.0.0.3", 1), web2.getDigest())).isFalse();
    assertThat(source.unchanged("web02", facts("10.0.0.2", 1), web1.getDigest())).isFalse();
    assertThat(source.unchanged("web02", facts("10.0.0.2", 1), "")).isFalse();
  }

  @Test
  void codeThatDoesNotLoadIsNeverUnchanged() throws Exception {
    Files.writeString(code.resolve("site.groovy"), "node('default') {\n");
    assertThat(source(1 << 20).unchanged("web01", facts("10.0.0.1", 1), "sha256:x")).isFalse();
  }
}
