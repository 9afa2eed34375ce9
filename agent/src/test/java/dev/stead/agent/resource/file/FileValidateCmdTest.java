package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.RootedPaths;
import dev.stead.agent.host.SystemHost;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Change;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.RunMemo;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.wire.AtomicFiles;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validate_cmd}, with a real command ({@code sh -n}, the shell's syntax check) on the
 * real machine's shell and files under a temporary root.
 */
class FileValidateCmdTest {
  private static final String GOOD = "echo hello\n";
  private static final String BROKEN = "if true; then\necho unfinished\n";

  @TempDir Path root;
  @TempDir Path state;

  @Test
  void contentThatPassesIsWritten() throws Exception {
    Result r = check("/run.sh", GOOD);

    assertThat(r.status()).as(r.toString()).isEqualTo(Result.Status.CHANGED);
    assertThat(Files.readString(root.resolve("run.sh"))).isEqualTo(GOOD);
    assertThat(check("/run.sh", GOOD).status()).isEqualTo(Result.Status.IN_SYNC);
  }

  @Test
  void aNewFileThatFailsIsNeverCreatedAndTheFailureQuotesTheCommand() throws Exception {
    Result r = check("/run.sh", BROKEN);

    assertThat(r.status()).isEqualTo(Result.Status.FAILED);
    assertThat(r.message()).contains("validate_cmd `sh -n %` exited with 2")
        .contains("Syntax error").contains("not put in place");
    assertThat(Files.exists(root.resolve("run.sh"))).isFalse();
    assertNoTemporaryFiles();
  }

  @Test
  void anExistingFileKeepsItsContentWhenTheNewContentFails() throws Exception {
    Files.writeString(root.resolve("run.sh"), GOOD);

    Result r = check("/run.sh", BROKEN);

    assertThat(r.status()).isEqualTo(Result.Status.FAILED);
    assertThat(r.changes()).extracting(Change::property, Change::outcome)
        .containsExactly(Tuple.tuple("content",
            Change.Outcome.FAILED));
    assertThat(r.changes().get(0).message()).contains("sh -n %");
    assertThat(Files.readString(root.resolve("run.sh"))).isEqualTo(GOOD);
    assertThat(new BackupStore(state.resolve("backup")).entries()).as("nothing replaced")
        .isEmpty();
    assertNoTemporaryFiles();
  }

  @Test
  void thePathIsQuotedForTheShell() throws Exception {
    Files.createDirectory(root.resolve("with space"));

    Result r = check("/with space/it's.sh", GOOD);

    assertThat(r.status()).as(r.toString()).isEqualTo(Result.Status.CHANGED);
    assertThat(Files.readString(root.resolve("with space/it's.sh"))).isEqualTo(GOOD);
  }

  @Test
  void aCommandWithoutThePlaceholderIsRejectedByName() {
    Report r = new Converger(new ConvergeOptions(root, state, false)).converge(
        Catalogs4Test.catalog().file("/run.sh", "content", GOOD, "validate_cmd", "sh -n")
            .build());

    assertThat(r.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(r.getResources(0).getMessage()).contains("`validate_cmd` must contain `%`");
  }

  @Test
  void underARootCommandsAreNotRunSoTheFileIsNotWritten() {
    Report r = new Converger(new ConvergeOptions(root, state, false)).converge(
        Catalogs4Test.catalog().file("/run.sh", "content", GOOD, "validate_cmd", "sh -n %")
            .build());

    assertThat(r.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(r.getResources(0).getMessage()).contains("not run under --root");
    assertThat(Files.exists(root.resolve("run.sh"))).isFalse();
  }

  @Test
  void aSourcedFileIsValidatedBeforeItReplacesTheOldOne() throws Exception {
    Files.writeString(root.resolve("run.sh"), GOOD);
    byte[] broken = BROKEN.getBytes(StandardCharsets.UTF_8);
    String sum = SourceFiles.checksum(broken);
    ApplyContext context = new ApplyContext(new RootedPaths(root),
        new BackupStore(state.resolve("backup")), SystemHost.unrestricted(), new RunMemo(),
        (source, checksum, out) -> out.write(broken));

    Result r = new FileType().bind(Catalogs4Test.catalog().file("/run.sh", "source",
        "app/run.sh", "checksum", sum, "validate_cmd", "sh -n %").build().getResources(0))
        .checkApply(context, true);

    assertThat(r.status()).isEqualTo(Result.Status.FAILED);
    assertThat(r.message()).contains("sh -n %").contains("Syntax error");
    assertThat(Files.readString(root.resolve("run.sh"))).isEqualTo(GOOD);
    assertNoTemporaryFiles();
  }

  /** Checks (and applies) one file against the real machine's shell. */
  private Result check(String path, String content)
      throws InvalidResourceException, IOException {
    ApplyContext context = new ApplyContext(new RootedPaths(root),
        new BackupStore(state.resolve("backup")), SystemHost.unrestricted(), new RunMemo());
    return new FileType().bind(Catalogs4Test.catalog()
        .file(path, "content", content, "validate_cmd", "sh -n %").build().getResources(0))
        .checkApply(context, true);
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString()))
          .noneMatch(AtomicFiles::isTempName);
    }
  }
}
