package dev.stead.master.secrets;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.EncryptSecretResponse;
import dev.stead.wire.SecretBlob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * The master's secrets: encrypts for {@code stead secret encrypt} and seals a served catalog's
 * secrets to the requesting node. The key ({@link MasterKey}) is read, or created, on first
 * use, so a master without secrets never has one. Thread-safe.
 */
public final class SecretService {
  private final Path dataDir;
  private MasterKey key;

  public SecretService(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** Secrets with {@code key}, loaded already (the key masters on a shared store share). */
  public SecretService(MasterKey key) {
    this.dataDir = null;
    this.key = key;
  }

  private synchronized MasterKey key() {
    if (key == null) {
      try {
        key = MasterKey.loadOrCreate(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read or create the secrets key "
            + dataDir.resolve(MasterKey.FILE) + ": " + e.getMessage(), e);
      }
    }
    return key;
  }

  /** Encrypts {@code plaintext} (at least one byte) with the master key. */
  public EncryptSecretResponse encrypt(byte[] plaintext) {
    if (plaintext.length == 0) {
      throw new IllegalArgumentException("the secret is empty");
    }
    SecretBlob blob = key().encrypt(plaintext);
    return EncryptSecretResponse.newBuilder().setBlob(blob.text()).setKeyId(blob.keyId())
        .setKeyedHash(blob.keyedHash()).build();
  }

  /** Envelopes for {@code catalog}'s secrets, for {@code node}; empty when it has none. */
  public Map<String, ByteString> seal(Catalog catalog, X509Certificate node) {
    if (!SecretEnvelopes.hasSecrets(catalog)) {
      return Map.of();
    }
    return new SecretEnvelopes(key()).seal(catalog, node);
  }
}
