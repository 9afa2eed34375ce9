package dev.stead.master.ca;

import dev.stead.wire.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The operator's credentials in {@code DATA/admin/} (directory 0700; {@value #CERTIFICATE_FILE},
 * {@value #KEY_FILE}, {@value #CA_FILE}, each 0600): a clientAuth certificate with CN
 * {@value #COMMON_NAME}, the only identity the admin service accepts.
 *
 * @param key the admin private key
 * @param certificate the admin certificate
 * @param caCertificate the CA that the master's server certificate chains to
 */
public record AdminCredentials(PrivateKey key, X509Certificate certificate,
    X509Certificate caCertificate) {
  public static final String COMMON_NAME = "stead-admin";
  public static final String CERTIFICATE_FILE = "cert.pem";
  public static final String KEY_FILE = "key.pem";
  public static final String CA_FILE = "ca.pem";
  static final Duration VALIDITY = Duration.ofDays(1825);
  private static final Duration RENEW_MARGIN = Duration.ofDays(30);

  /** Loads the admin credentials, (re)issuing them when absent, stale or from another CA. */
  public static AdminCredentials loadOrCreate(Path adminDir, CertificateAuthority ca)
      throws IOException {
    return loadOrCreate(adminDir, ca, MasterIssuer.local(ca));
  }

  /** As above, new credentials issued by {@code issuer} (the CA master, for another). */
  public static AdminCredentials loadOrCreate(Path adminDir, CertificateAuthority ca,
      MasterIssuer issuer) throws IOException {
    Path certFile = adminDir.resolve(CERTIFICATE_FILE);
    Path keyFile = adminDir.resolve(KEY_FILE);
    Path caFile = adminDir.resolve(CA_FILE);
    if (Files.exists(certFile) && Files.exists(keyFile) && Files.exists(caFile)) {
      AdminCredentials existing = load(adminDir);
      if (ca.issuedAndValid(existing.certificate(), RENEW_MARGIN)
          && existing.caCertificate().equals(ca.certificate())) {
        return existing;
      }
    }
    PrivateFiles.ownerOnlyDirectory(adminDir);
    KeyPair pair = Keys.newEcKeyPair(new SecureRandom());
    X509Certificate certificate = issuer.issue(MasterIssuer.Kind.ADMIN, COMMON_NAME,
        pair.getPublic(), java.util.Set.of(), java.util.Set.of());
    PrivateFiles.writeSecret(keyFile, Pem.privateKey(pair.getPrivate()));
    PrivateFiles.writeSecret(certFile, Pem.certificate(certificate));
    PrivateFiles.writeSecret(caFile, Pem.certificate(ca.certificate()));
    return new AdminCredentials(pair.getPrivate(), certificate, ca.certificate());
  }

  /** Reads existing credentials; a clear IOException when the directory is not initialised. */
  public static AdminCredentials load(Path adminDir) throws IOException {
    try {
      return new AdminCredentials(
          Pem.readPrivateKey(adminDir.resolve(KEY_FILE)),
          Pem.readCertificate(adminDir.resolve(CERTIFICATE_FILE)),
          Pem.readCertificate(adminDir.resolve(CA_FILE)));
    } catch (NoSuchFileException e) {
      throw new IOException("no admin credentials in " + adminDir
          + " (they are created when the master first starts): missing " + e.getFile(), e);
    }
  }
}
