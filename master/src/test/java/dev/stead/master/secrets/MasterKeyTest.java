package dev.stead.master.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.wire.SecretBlob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
  @TempDir Path data;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keyIsCreatedOwnerOnlyOnFirstUseAndReloadedTheSame() throws Exception {
    MasterKey first = MasterKey.loadOrCreate(data);
    Path file = data.resolve("secrets/master.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    MasterKey again = MasterKey.loadOrCreate(data);
    assertThat(again.id()).isEqualTo(first.id()).hasSize(16);
    assertThat(again.keyedHash(bytes("pw"))).isEqualTo(first.keyedHash(bytes("pw")));
  }

  @Test
  void blobsRoundTripAndCarryADeterministicKeyedHash() throws Exception {
    MasterKey key = MasterKey.loadOrCreate(data);
    SecretBlob a = key.encrypt(bytes("s3cret-password"));
    SecretBlob b = key.encrypt(bytes("s3cret-password"));
    assertThat(a.text()).isNotEqualTo(b.text()).doesNotContain("s3cret");
    assertThat(a.keyedHash()).isEqualTo(b.keyedHash())
        .isNotEqualTo(key.keyedHash(bytes("other")));
    assertThat(new String(key.decrypt(SecretBlob.parse(a.text())), StandardCharsets.UTF_8))
        .isEqualTo("s3cret-password");
    assertThat(a.toString()).isEqualTo("[secret]");
  }

  @Test
  void alteredOrForeignBlobsAreRefusedWithoutShowingContent() throws Exception {
    MasterKey key = MasterKey.loadOrCreate(data);
    SecretBlob blob = key.encrypt(bytes("s3cret-password"));
    byte[] sealed = blob.sealed();
    sealed[sealed.length - 1] ^= 1;
    SecretBlob altered = SecretBlob.of(blob.keyId(), blob.keyedHash(), sealed);
    assertThatThrownBy(() -> key.decrypt(altered)).hasMessageContaining("altered or corrupt");
    // Relabelled with another secret's hash: the header is authenticated.
    SecretBlob relabelled = SecretBlob.of(blob.keyId(), key.keyedHash(bytes("x")),
        blob.sealed());
    assertThatThrownBy(() -> key.decrypt(relabelled)).hasMessageContaining("altered");
    MasterKey other = MasterKey.loadOrCreate(data.resolve("other"));
    assertThatThrownBy(() -> other.decrypt(blob))
        .hasMessageContaining("encrypted with key " + key.id())
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aDamagedKeyFileIsAClearError() throws Exception {
    Files.createDirectories(data.resolve("secrets"));
    Files.writeString(data.resolve("secrets/master.key"),
        Base64.getEncoder().encodeToString(new byte[7]));
    Files.setPosixFilePermissions(data.resolve("secrets/master.key"),
        PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> MasterKey.loadOrCreate(data))
        .hasMessageContaining("master.key").hasMessageContaining("expected 32");
  }

  @Test
  void malformedBlobsAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> SecretBlob.parse("hunter2-plain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stead secret encrypt")
        .hasMessageNotContaining("hunter2");
  }
}
