package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.fs.BackupStore;
import dev.stead.agent.fs.Sha256;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead agent restore` in-process, on content `stead apply` really replaced. */
class AgentRestoreCommandTest {
  @TempDir Path tmp;
  private Path root;
  private Path state;
  private Path motd;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    state = tmp.resolve("state");
    motd = root.resolve("etc/motd");
  }

  private static InProcess stead(String... args) {
    return InProcess.run(args);
  }

  private InProcess restore(String... args) {
    String[] base = {"agent", "restore", "--root", root.toString(), "--state", state.toString()};
    String[] all = new String[base.length + args.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(args, 0, all, base.length, args.length);
    return stead(all);
  }

  private void apply(String content) throws Exception {
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest,
        "file('/etc/motd') { content '" + content + "'; mode '0640' }\n");
    InProcess run = stead("apply", manifest.toString(), "--root", root.toString(),
        "--state", state.toString(), "--certname", "restore.test");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
  }

  private static String sha256(String content) {
    return "sha256:" + Sha256.hex(content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void putsBackWhatAConvergeReplacedListsAndUndoes() throws Exception {
    apply("first");
    apply("second");
    assertThat(motd).hasContent("second");

    InProcess list = restore("--list");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out()).matches("\\S+Z  " + sha256("first") + "  5  /etc/motd\n");

    InProcess put = restore("/etc/motd");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    assertThat(put.out()).contains("restored /etc/motd from " + sha256("first"))
        .contains("previous content is backed up as " + sha256("second"));
    assertThat(motd).hasContent("first");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(motd)))
        .isEqualTo("rw-r-----");

    InProcess listed = restore("--list", "/etc/motd");
    assertThat(listed.out().lines().map(l -> l.split("  ")[1]))
        .containsExactly(sha256("second"), sha256("first"));

    // Undo, by a prefix of the checksum the restore printed.
    InProcess undo = restore("/etc/motd", "--checksum", sha256("second").substring(0, 7 + 10));
    assertThat(undo.exitCode()).as(undo.toString()).isZero();
    assertThat(motd).hasContent("second");

    InProcess again = restore("/etc/motd", "--checksum", sha256("second"));
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("already holds");

    InProcess none = restore("--list", "/etc/other");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("no backups of /etc/other");
  }

  @Test
  void refusesAPathThatLeadsOutOfTheRoot(@TempDir Path outside) throws Exception {
    new BackupStore(state.resolve("backup")).keep("/escape/motd",
        "x".getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(root.resolve("escape"), outside);

    InProcess run = restore("/escape/motd");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains("stead agent restore: ").contains("out of the root");
    assertThat(outside.resolve("motd")).doesNotExist();
    assertThat(restore("/../etc/motd").err()).contains("must not contain . or ..");
  }

  @Test
  void refusesACorruptBackupWithoutTouchingTheTarget() throws Exception {
    apply("first");
    apply("second");
    BackupStore store = new BackupStore(state.resolve("backup"));
    Files.writeString(store.pathOf(sha256("first")), "forged");
    long lines = Files.readAllLines(state.resolve("backup/index.tsv")).size();

    InProcess run = restore("/etc/motd");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains("backup " + sha256("first") + " is corrupt");
    assertThat(motd).hasContent("second");
    assertThat(Files.readAllLines(state.resolve("backup/index.tsv"))).hasSize((int) lines);

    Files.delete(store.pathOf(sha256("first")));
    assertThat(restore("--list").out()).contains("  missing  /etc/motd");
    InProcess missing = restore("/etc/motd");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("is missing");
    assertThat(motd).hasContent("second");
  }

  @Test
  void usageAndSelectionErrorsExitOne() throws Exception {
    assertThat(restore().exitCode()).isEqualTo(1);
    assertThat(restore().err()).contains("give the PATH to restore, or --list");
    assertThat(restore("etc/motd").err()).contains("not an absolute path");
    InProcess nothing = restore("/etc/motd");
    assertThat(nothing.exitCode()).isEqualTo(1);
    assertThat(nothing.err()).contains("no backup of /etc/motd");
    apply("first");
    apply("second");
    InProcess wrong = restore("/etc/motd", "--checksum", sha256("second"));
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("no backup of /etc/motd has checksum");
    assertThat(restore("--list", "--checksum", "ab").exitCode()).isEqualTo(1);
  }

  @Test
  void refusesWhileARunHoldsTheLock() throws Exception {
    apply("first");
    apply("second");
    // A live process other than this one: the lock is busy, not stale.
    long other = ProcessHandle.current().parent().orElseThrow().pid();
    Files.writeString(state.resolve("agent.lock"), other + "\n");
    InProcess run = restore("/etc/motd");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("another agent run is in progress");
    assertThat(motd).hasContent("second");
  }

  @Test
  void aFileTheCatalogFillsWithASecretIsRestoredWithoutCopyingTheSecretAside() throws Exception {
    new BackupStore(state.resolve("backup")).keep("/etc/motd",
        "before the secret\n".getBytes(StandardCharsets.UTF_8));
    Files.writeString(motd, "s3cret-plaintext\n");
    Files.createDirectories(state.resolve("catalog"));
    Files.write(state.resolve("catalog/last.pb"), Catalog.newBuilder()
        .addResources(Resource.newBuilder().setType("file")
            .setTitle("/etc/motd").putParameters("content", Value
                .newBuilder().setSecretValue(SecretRef.newBuilder()
                    .setKeyId("k1").setKeyedHash("ab".repeat(32))).build()))
        .build().toByteArray());

    InProcess run = restore("/etc/motd");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
    assertThat(run.out()).contains("holds a secret and was not backed up");
    assertThat(motd).hasContent("before the secret");
    try (var files = Files.list(state.resolve("backup"))) {
      for (Path file : files.toList()) {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContain("s3cret");
      }
    }
    assertThat(new BackupStore(state.resolve("backup")).entries()).hasSize(1);
  }

  @Test
  void aFileTheCatalogRemovedComesBackWithTheModeItHad() throws Exception {
    apply("kept");
    Path manifest = tmp.resolve("site.groovy");
    Files.writeString(manifest, "file('/etc/motd') { ensure 'absent' }\n");
    InProcess removal = stead("apply", manifest.toString(), "--root", root.toString(),
        "--state", state.toString(), "--certname", "restore.test");
    assertThat(removal.exitCode()).as(removal.toString()).isEqualTo(2);
    assertThat(motd).doesNotExist();

    InProcess run = restore("/etc/motd");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(motd).hasContent("kept");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(motd)))
        .isEqualTo("rw-r-----");
  }
}
