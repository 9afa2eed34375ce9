package dev.stead.agent.tls;

import java.nio.file.Path;

/**
 * Where the agent keeps its TLS material: {@code DIR/private_key.pem} (PKCS#8, mode 0600),
 * {@code DIR/cert.pem} (signed by the master's CA) and {@code DIR/ca.pem}.
 */
public record SslFiles(Path dir) {
  public Path privateKey() {
    return dir.resolve("private_key.pem");
  }

  public Path certificate() {
    return dir.resolve("cert.pem");
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }
}
