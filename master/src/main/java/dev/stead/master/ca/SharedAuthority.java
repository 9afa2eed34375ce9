package dev.stead.master.ca;

import dev.stead.master.storage.SharedState;
import dev.stead.wire.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * One certificate authority for every master on a shared store. The master started with the
 * CA role (it holds the key) records the CA certificate in the store and issues what the other
 * masters ask for there: their own server and admin certificates. A master without the key
 * takes the CA certificate from the store and asks the CA master for its certificates.
 *
 * <p>Whoever can write the shared database can ask for a master certificate; that is no more
 * than such a writer can do anyway (it decides every node's catalog), so the database must be
 * as well guarded as the CA key.
 */
public final class SharedAuthority {
  /** The CA certificate (PEM), written by the CA master. */
  public static final String CA_CERTIFICATE = "ca/certificate";
  static final String REQUEST_PREFIX = "ca/master-request/";
  static final String ISSUED_PREFIX = "ca/master-issued/";
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Logger LOG = Logger.getLogger(SharedAuthority.class.getName());

  private SharedAuthority() {}

  /**
   * On the CA master: records the CA certificate in the store, or checks that the one there
   * is ours.
   *
   * @throws IOException when the store holds another CA's certificate
   */
  public static void publish(CertificateAuthority ca, SharedState shared) throws IOException {
    String ours = Pem.certificate(ca.certificate());
    String stored = shared.putSharedValueIfAbsent(CA_CERTIFICATE, ours);
    if (!stored.equals(ours)) {
      X509Certificate other = Pem.parseCertificate(stored);
      throw new IOException("the shared store belongs to another CA ("
          + dev.stead.wire.Fingerprints.of(other) + "), not to this master's ("
          + ca.fingerprint() + "): exactly one master holds the CA key; start the others"
          + " without the CA role (--no-ca)");
    }
  }

  /**
   * On a master without the CA role: the CA certificate from the store, also written to
   * {@code caDir/ca.pem}.
   *
   * @throws IOException when the CA master has not recorded it yet, when {@code caDir} holds
   *     a CA key (that master should have the CA role), or holds another CA's certificate
   */
  public static CertificateAuthority fetch(Path caDir, SharedState shared) throws IOException {
    if (Files.exists(caDir.resolve(CertificateAuthority.KEY_FILE))) {
      throw new IOException(caDir.resolve(CertificateAuthority.KEY_FILE) + " holds a CA key,"
          + " but this master was started without the CA role: start it with --ca, or move"
          + " the key away (only the CA master holds it)");
    }
    String pem = shared.sharedValue(CA_CERTIFICATE).orElseThrow(() -> new IOException(
        "the shared store holds no CA certificate yet: start the master with the CA role"
            + " (--ca) on it first"));
    X509Certificate certificate = Pem.parseCertificate(pem);
    Path local = caDir.resolve(CertificateAuthority.CERTIFICATE_FILE);
    if (Files.exists(local) && !Pem.readCertificate(local).equals(certificate)) {
      throw new IOException(local + " is another CA's certificate than the shared store's ("
          + dev.stead.wire.Fingerprints.of(certificate) + "): this data directory belongs to"
          + " another fleet");
    }
    PrivateFiles.ownerOnlyDirectory(caDir);
    PrivateFiles.writePublic(local, pem);
    return CertificateAuthority.withoutKey(certificate);
  }

  /**
   * A master without the CA key asks through the store and waits up to {@code wait} for the
   * CA master to issue.
   */
  public static MasterIssuer issuer(SharedState shared, Duration wait) {
    return (kind, commonName, key, dns, ips) -> {
      String id = REQUEST_PREFIX + UUID.randomUUID();
      String issuedName = ISSUED_PREFIX + id.substring(REQUEST_PREFIX.length());
      shared.putSharedValue(id, request(kind, commonName, key, dns, ips));
      LOG.info(() -> "asked the CA master for this master's " + kind.name().toLowerCase(
          java.util.Locale.ROOT) + " certificate");
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        while (System.nanoTime() < deadline) {
          var issued = shared.sharedValue(issuedName);
          if (issued.isPresent()) {
            shared.deleteSharedValue(issuedName);
            return Pem.parseCertificate(issued.get());
          }
          Thread.sleep(POLL.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for the CA master", e);
      } finally {
        shared.deleteSharedValue(id);
      }
      throw new IOException("the CA master did not issue this master's "
          + kind.name().toLowerCase(java.util.Locale.ROOT) + " certificate within "
          + wait.toSeconds() + " s: start the master with the CA role (--ca) on this store");
    };
  }

  /**
   * On the CA master: issues every certificate other masters asked for. A request that
   * cannot be read is dropped with a warning. Returns how many were issued.
   */
  public static int issueRequested(CertificateAuthority ca, SharedState shared) {
    int issued = 0;
    for (String name : shared.sharedNames(REQUEST_PREFIX)) {
      String id = name.substring(REQUEST_PREFIX.length());
      var text = shared.sharedValue(name);
      if (text.isEmpty()) {
        continue; // the requester gave up meanwhile
      }
      try {
        Map<String, String> fields = fields(text.get());
        MasterIssuer.Kind kind = MasterIssuer.Kind.valueOf(fields.get("kind"));
        X509Certificate certificate = MasterIssuer.local(ca).issue(kind, fields.get("cn"),
            publicKey(fields.get("key")), list(fields.get("dns")), list(fields.get("ip")));
        shared.putSharedValue(ISSUED_PREFIX + id, Pem.certificate(certificate));
        shared.deleteSharedValue(name);
        issued++;
        LOG.info(() -> "issued a " + kind.name().toLowerCase(java.util.Locale.ROOT)
            + " certificate for master " + fields.get("cn"));
      } catch (IOException | RuntimeException e) {
        LOG.warning("dropped the unreadable master certificate request " + name + ": "
            + e.getMessage());
        shared.deleteSharedValue(name);
      }
    }
    return issued;
  }

  private static String request(MasterIssuer.Kind kind, String commonName, PublicKey key,
      Set<String> dns, Set<String> ips) {
    return "kind: " + kind.name() + "\ncn: " + commonName + "\ndns: " + String.join(",", dns)
        + "\nip: " + String.join(",", ips) + "\nkey: "
        + Base64.getEncoder().encodeToString(key.getEncoded()) + "\n";
  }

  private static Map<String, String> fields(String text) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 2));
      } else if (line.endsWith(":")) {
        fields.put(line.substring(0, line.length() - 1), "");
      }
    }
    for (String required : List.of("kind", "cn", "dns", "ip", "key")) {
      if (!fields.containsKey(required)) {
        throw new IOException("no " + required + " line");
      }
    }
    return fields;
  }

  private static Set<String> list(String commaSeparated) {
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .forEach(out::add);
    return out;
  }

  private static PublicKey publicKey(String base64) throws IOException {
    byte[] der = Base64.getDecoder().decode(base64);
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException("the key is neither EC nor RSA");
  }
}
