package dev.stead.master.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.master.storage.postgres.PostgresCluster;
import dev.stead.master.storage.postgres.PostgresLocation;
import dev.stead.master.storage.postgres.PostgresStore;
import dev.stead.wire.SecretBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets key masters share, on a real PostgreSQL database: wrapped by the key file, one
 * key for every master with the same file, refused with another file, never in the clear.
 */
class SharedKeysTest {
  @TempDir Path tmp;

  private Path keyFile(String name) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, Base64.getEncoder().encodeToString(SharedKeys.fresh()) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void mastersWithTheSameFileShareOneSecretsKeyThatTheDatabaseHoldsOnlyWrapped()
      throws Exception {
    PostgresCluster cluster = PostgresCluster.shared();
    PostgresLocation db = cluster.createDatabase();
    Path file = keyFile("shared.key");
    Path dataA = Files.createDirectories(tmp.resolve("a"));
    Path dataB = Files.createDirectories(tmp.resolve("b"));
    // A had a key before it shared one: it becomes the shared key, old secrets still open.
    MasterKey before = MasterKey.loadOrCreate(dataA);
    SecretBlob old = before.encrypt("old".getBytes(StandardCharsets.UTF_8));
    try (PostgresStore a = PostgresStore.open(db, cluster.credentials());
        PostgresStore b = PostgresStore.open(db, cluster.credentials())) {
      MasterKey onA = MasterKey.shared(dataA, SharedKeys.open(file, a));
      MasterKey onB = MasterKey.shared(dataB, SharedKeys.open(file, b));
      assertThat(onB.id()).isEqualTo(onA.id()).isEqualTo(before.id());
      assertThat(onB.decrypt(old)).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
      assertThat(dataB.resolve(MasterKey.FILE)).doesNotExist();

      String raw = Files.readString(dataA.resolve(MasterKey.FILE)).strip();
      String stored = a.sharedValue("keys/secrets key").orElseThrow();
      assertThat(stored).doesNotContain(raw);
      java.util.HexFormat hex = java.util.HexFormat.of();
      assertThat(hex.formatHex(Base64.getDecoder().decode(stored)))
          .doesNotContain(hex.formatHex(Base64.getDecoder().decode(raw)));

      assertThatThrownBy(() -> MasterKey.shared(dataB, SharedKeys.open(keyFile("other.key"), b)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("does not open with --shared-key-file")
          .hasMessageContaining("every master needs the same file");

      Path dataC = Files.createDirectories(tmp.resolve("c"));
      MasterKey.loadOrCreate(dataC);
      assertThatThrownBy(() -> MasterKey.shared(dataC, SharedKeys.open(file, b)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dataC.resolve(MasterKey.FILE).toString())
          .hasMessageContaining("another secrets key than the one the masters share");
    }
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws Exception {
    Path file = keyFile("open.key");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SharedKeys.open(file, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("chmod 600");
  }
}
