package dev.stead.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.Result;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.wire.ResourceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftStateTest {
  @TempDir Path dir;

  private static Outcome inSync(String key, Map<String, String> desired) {
    return new Outcome(ResourceKey.parse(key), null, Result.inSync(desired), false, false);
  }

  private static Outcome changed(String key, Map<String, String> desired, String property) {
    return new Outcome(ResourceKey.parse(key), null, Result.changed(desired,
        List.of(Change.applied(property, "x", desired.get(property), ""))), false, false);
  }

  @Test
  void roundTripsItsOwnFormat() throws IOException {
    Path file = dir.resolve("last_run.pb");
    DriftState.empty().after(List.of(
        inSync("file[/a]", Map.of("content", "sha256:aa", "mode", "0644")),
        new Outcome(ResourceKey.parse("file[/b]"), null, Result.failed(Map.of("mode", "0600"),
            List.of(), "no"), false, false)))
        .save(file, "sha256:cat");
    DriftState loaded = DriftState.load(file);
    assertThat(loaded.entries("file[/a]")).containsOnly(
        Map.entry("content", new DriftState.Entry("sha256:aa", true)),
        Map.entry("mode", new DriftState.Entry("0644", true)));
    assertThat(loaded.entries("file[/b]"))
        .containsOnly(Map.entry("mode", new DriftState.Entry("0600", false)));
    assertThat(loaded.classify("file[/a]", "mode", "0644")).isEqualTo(ChangeKind.DRIFT);
    assertThat(loaded.classify("file[/b]", "mode", "0600")).isEqualTo(ChangeKind.INTENDED);
  }

  @Test
  void readsTheEarlierStructFormat() throws IOException {
    Path file = dir.resolve("last_run.pb");
    Struct entry = Struct.newBuilder()
        .putFields("desired", Value.newBuilder().setStringValue("0644").build())
        .putFields("inSync", Value.newBuilder().setBoolValue(true).build()).build();
    Struct props = Struct.newBuilder()
        .putFields("mode", Value.newBuilder().setStructValue(entry).build()).build();
    Struct root = Struct.newBuilder()
        .putFields("version", Value.newBuilder().setNumberValue(1).build())
        .putFields("catalogDigest", Value.newBuilder().setStringValue("sha256:cat").build())
        .putFields("resources", Value.newBuilder().setStructValue(Struct.newBuilder()
            .putFields("file[/a]", Value.newBuilder().setStructValue(props).build())).build())
        .build();
    Files.write(file, root.toByteArray());
    assertThat(DriftState.load(file).classify("file[/a]", "mode", "0644"))
        .isEqualTo(ChangeKind.DRIFT);
  }

  @Test
  void damagedFilesCountAsNoHistory() throws IOException {
    Path file = dir.resolve("last_run.pb");
    Files.write(file, "STEADDS2\u0000\u0000\u0000\u0009sha".getBytes());
    assertThat(DriftState.load(file).entries("file[/a]")).isEmpty();
  }

  @Test
  void savesOnlyWhatWouldChange() throws IOException {
    Path file = dir.resolve("last_run.pb");
    Map<String, String> desired = Map.of("mode", "0644");
    List<Outcome> run = List.of(inSync("file[/a]", desired), inSync("file[/b]", desired));
    DriftState.empty().saveAfter(run, file, "sha256:cat");
    DriftState loaded = DriftState.load(file);
    assertThat(loaded.unchangedBy(run)).isTrue();
    // A repaired property ends as recorded; one that failed does not, nor a resource gone,
    // nor a new desired value.
    assertThat(loaded.unchangedBy(List.of(inSync("file[/a]", desired),
        changed("file[/b]", desired, "mode")))).isTrue();
    assertThat(loaded.unchangedBy(List.of(inSync("file[/a]", desired),
        new Outcome(ResourceKey.parse("file[/b]"), null, Result.failed(desired, List.of(),
            "no"), false, false)))).isFalse();
    assertThat(loaded.unchangedBy(List.of(inSync("file[/a]", desired)))).isFalse();
    assertThat(loaded.unchangedBy(List.of(inSync("file[/a]", desired),
        inSync("file[/b]", Map.of("mode", "0600"))))).isFalse();

    byte[] before = Files.readAllBytes(file);
    loaded.saveAfter(run, file, "sha256:cat");
    assertThat(file).hasBinaryContent(before);
    loaded.saveAfter(run, file, "sha256:other");
    assertThat(DriftState.load(file).unchangedBy(run)).isTrue();
    assertThat(file.toFile().length()).isNotEqualTo(0);
  }
}
