package dev.stead.master.ca;

import dev.stead.wire.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The master's TLS server key and certificate in {@code caDir} ({@value #CERTIFICATE_FILE},
 * {@value #KEY_FILE} mode 0600). Reused across starts; reissued when it is missing, was not
 * issued by the current CA, expires within 30 days, or does not cover the listen host.
 *
 * @param key the server's private key
 * @param certificate its certificate: CN the host name; SANs localhost, 127.0.0.1, ::1, the
 *     host name, the listen host and the alternative names the master was given
 */
public record ServerCredentials(PrivateKey key, X509Certificate certificate) {
  public static final String CERTIFICATE_FILE = "server.pem";
  public static final String KEY_FILE = "server_key.pem";
  static final Duration VALIDITY = Duration.ofDays(825);
  private static final Duration RENEW_MARGIN = Duration.ofDays(30);

  public static ServerCredentials loadOrCreate(Path caDir, CertificateAuthority ca,
      String listenHost) throws IOException {
    return loadOrCreate(caDir, ca, listenHost, List.of());
  }

  /**
   * As above; the certificate also carries {@code altNames} (DNS names or IP literals, as
   * checked by {@link Hostnames#altName}): the shared name agents use for several masters.
   * A certificate that lacks one of them is reissued.
   */
  public static ServerCredentials loadOrCreate(Path caDir, CertificateAuthority ca,
      String listenHost, List<String> altNames) throws IOException {
    return loadOrCreate(caDir, ca, listenHost, altNames, MasterIssuer.local(ca));
  }

  /** As above, a new certificate issued by {@code issuer} (the CA master, for another). */
  public static ServerCredentials loadOrCreate(Path caDir, CertificateAuthority ca,
      String listenHost, List<String> altNames, MasterIssuer issuer) throws IOException {
    String hostname = Hostnames.local();
    Set<String> dns = new LinkedHashSet<>(List.of("localhost", hostname));
    Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
    for (String name : altNames) {
      if (Hostnames.isIpLiteral(name)) {
        ips.add(Hostnames.canonicalIp(name));
      } else {
        dns.add(name.toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (!Hostnames.isWildcard(listenHost)) {
      if (Hostnames.isIpLiteral(listenHost)) {
        ips.add(Hostnames.canonicalIp(listenHost));
      } else {
        dns.add(listenHost.toLowerCase(Locale.ROOT));
      }
    }
    Path certFile = caDir.resolve(CERTIFICATE_FILE);
    Path keyFile = caDir.resolve(KEY_FILE);
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      X509Certificate existing = Pem.readCertificate(certFile);
      if (ca.issuedAndValid(existing, RENEW_MARGIN) && covers(existing, dns, ips)) {
        return new ServerCredentials(Pem.readPrivateKey(keyFile), existing);
      }
    }
    KeyPair pair = Keys.newEcKeyPair(new SecureRandom());
    Set<String> canonicalIps = new LinkedHashSet<>();
    ips.forEach(ip -> canonicalIps.add(Hostnames.canonicalIp(ip)));
    X509Certificate certificate = issuer.issue(MasterIssuer.Kind.SERVER, hostname,
        pair.getPublic(), dns, canonicalIps);
    PrivateFiles.writeSecret(keyFile, Pem.privateKey(pair.getPrivate()));
    PrivateFiles.writePublic(certFile, Pem.certificate(certificate));
    return new ServerCredentials(pair.getPrivate(), certificate);
  }

  private static boolean covers(X509Certificate certificate, Set<String> dns, Set<String> ips)
      throws IOException {
    Set<String> haveDns = new HashSet<>();
    Set<String> haveIps = new HashSet<>();
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return false;
      }
      for (List<?> name : names) {
        int type = (Integer) name.get(0);
        String value = String.valueOf(name.get(1));
        if (type == 2) {
          haveDns.add(value);
        } else if (type == 7) {
          haveIps.add(Hostnames.canonicalIp(value));
        }
      }
    } catch (CertificateParsingException e) {
      throw new IOException("unreadable server certificate: " + e.getMessage(), e);
    }
    for (String ip : ips) {
      if (!haveIps.contains(Hostnames.canonicalIp(ip))) {
        return false;
      }
    }
    return haveDns.containsAll(dns);
  }
}
