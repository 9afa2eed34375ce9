package dev.stead.agent.secrets;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Which managed files hold a secret, by the agent's cached catalog: commands that copy a
 * file's content aside (a restore backs up what it replaces) must not write a secret's
 * plaintext to disk. Stateless.
 */
public final class SecretPaths {
  private SecretPaths() {}

  /**
   * True when {@code cachedCatalog} declares {@code file[path]} with a secret parameter; false
   * when it does not, or when there is no cached catalog yet (nothing was delivered, so no
   * secret was written).
   */
  public static boolean holdsSecret(Path cachedCatalog, String path) throws IOException {
    Catalog catalog;
    try {
      catalog = Catalog.parseFrom(Files.readAllBytes(cachedCatalog));
    } catch (NoSuchFileException e) {
      return false;
    }
    for (Resource resource : catalog.getResourcesList()) {
      if (resource.getType().equals("file") && resource.getTitle().equals(path)) {
        for (Value value : resource.getParametersMap().values()) {
          if (value.hasSecretValue()) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
