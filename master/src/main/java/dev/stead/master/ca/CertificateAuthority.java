package dev.stead.master.ca;

import dev.stead.proto.v1.RevokedCertificate;
import dev.stead.wire.Fingerprints;
import dev.stead.wire.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The master's certificate authority: an EC P-256 key and a self-signed CA certificate in
 * {@code caDir} ({@value #CERTIFICATE_FILE}, {@value #KEY_FILE} mode 0600), created on first
 * use and reused afterwards. Issues server and client certificates. Another master on a
 * shared store knows only the certificate ({@link #withoutKey}). Thread-safe.
 */
public final class CertificateAuthority {
  public static final String CERTIFICATE_FILE = "ca.pem";
  public static final String KEY_FILE = "ca_key.pem";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  // Clocks of freshly booted machines are often a little behind.
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final PrivateKey key;
  /** Why signing is suspended (the CA role lost), or null. */
  private volatile String suspended;
  private final X509Certificate certificate;
  private final SecureRandom random;
  private final Clock clock;

  private CertificateAuthority(PrivateKey key, X509Certificate certificate, SecureRandom random,
      Clock clock) {
    this.key = key;
    this.certificate = certificate;
    this.random = random;
    this.clock = clock;
  }

  /** Loads the CA from {@code caDir}, creating key and certificate there when absent. */
  public static CertificateAuthority loadOrCreate(Path caDir) throws IOException {
    return loadOrCreate(caDir, Clock.systemUTC());
  }

  static CertificateAuthority loadOrCreate(Path caDir, Clock clock) throws IOException {
    SecureRandom random = new SecureRandom();
    Path certFile = caDir.resolve(CERTIFICATE_FILE);
    Path keyFile = caDir.resolve(KEY_FILE);
    if (Files.exists(certFile) || Files.exists(keyFile)) {
      // Half a CA is a broken installation: never silently replace one part of it.
      if (!Files.exists(certFile) || !Files.exists(keyFile)) {
        throw new IOException("incomplete CA in " + caDir + ": need both " + CERTIFICATE_FILE
            + " and " + KEY_FILE);
      }
      PrivateFiles.tightenSecret(keyFile);
      return new CertificateAuthority(Pem.readPrivateKey(keyFile), Pem.readCertificate(certFile),
          random, clock);
    }
    PrivateFiles.ownerOnlyDirectory(caDir);
    KeyPair pair = Keys.newEcKeyPair(random);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, "Stead CA " + Hostnames.local())
        .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          serial(random), Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)),
          subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate certificate = sign(builder, pair.getPrivate());
      PrivateFiles.writeSecret(keyFile, Pem.privateKey(pair.getPrivate()));
      PrivateFiles.writePublic(certFile, Pem.certificate(certificate));
      return new CertificateAuthority(pair.getPrivate(), certificate, random, clock);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the CA certificate", e);
    }
  }

  /**
   * The CA as a master without its key knows it: it checks what the CA issued but cannot
   * issue or sign a CRL ({@link #holdsKey()} is false; issuing throws).
   */
  public static CertificateAuthority withoutKey(X509Certificate certificate) {
    return new CertificateAuthority(null, certificate, new SecureRandom(), Clock.systemUTC());
  }

  /** Whether this master holds the CA key, so issues certificates and signs the CRL. */
  public boolean holdsKey() {
    return key != null;
  }

  /**
   * Whether this master signs now: it holds the key and has not lost the CA role to another
   * master ({@link #suspendSigning}).
   */
  public boolean maySign() {
    return key != null && suspended == null;
  }

  /** Why signing is suspended, or null while it is not. */
  public String suspendedBecause() {
    return suspended;
  }

  /**
   * Stops this master from issuing certificates and signing the CRL, saying {@code why}:
   * while it does not hold the store's CA role, another master may, and two CAs must not
   * sign side by side. Requests wait meanwhile; {@link #resumeSigning} lets them through.
   */
  public void suspendSigning(String why) {
    suspended = java.util.Objects.requireNonNull(why, "why");
  }

  /** Lets this master sign again. */
  public void resumeSigning() {
    suspended = null;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  private void requireKey() {
    if (key == null) {
      throw new IllegalStateException("this master does not hold the CA key: the master"
          + " started with the CA role issues certificates and signs the CRL");
    }
    String why = suspended;
    if (why != null) {
      throw new IllegalStateException("this master does not sign now: " + why);
    }
  }

  /** {@code SHA256:AB:CD:...} of the CA certificate, the value agents pin. */
  public String fingerprint() {
    return Fingerprints.of(certificate);
  }

  /** A client certificate (clientAuth) for {@code commonName}. */
  public X509Certificate issueClient(String commonName, PublicKey publicKey, Duration validity) {
    return issue(commonName, publicKey, validity, KeyPurposeId.id_kp_clientAuth, Set.of(),
        Set.of());
  }

  /** A server certificate (serverAuth) valid for the given DNS names and IP addresses. */
  public X509Certificate issueServer(String commonName, PublicKey publicKey,
      Set<String> dnsNames, Set<String> ipAddresses, Duration validity) {
    return issue(commonName, publicKey, validity, KeyPurposeId.id_kp_serverAuth, dnsNames,
        ipAddresses);
  }

  /**
   * True when {@code candidate} was signed by this CA and stays valid for at least
   * {@code margin} from now.
   */
  public boolean issuedAndValid(X509Certificate candidate, Duration margin) {
    try {
      candidate.verify(certificate.getPublicKey());
      candidate.checkValidity(Date.from(clock.instant().plus(margin)));
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Seconds since the CA certificate became valid (a metric: how old the CA is). */
  public long ageSeconds() {
    return Duration.between(certificate.getNotBefore().toInstant(), clock.instant()).toSeconds();
  }

  /** Seconds until the CA certificate expires (negative once it has). */
  public long secondsUntilExpiry() {
    return Duration.between(clock.instant(), certificate.getNotAfter().toInstant()).toSeconds();
  }

  /**
   * A CRL signed by this CA listing {@code entries}, valid from {@code thisUpdate} for
   * {@code validity}, numbered {@code number} (must grow with every CRL).
   */
  X509CRL issueCrl(List<RevokedCertificate> entries, Instant thisUpdate, Duration validity,
      BigInteger number) {
    requireKey();
    try {
      X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(certificate, Date.from(thisUpdate))
          .setNextUpdate(Date.from(thisUpdate.plus(validity)));
      for (RevokedCertificate entry : entries) {
        int reason = "superseded".equals(entry.getReason())
            ? CRLReason.superseded : CRLReason.unspecified;
        builder.addCRLEntry(new BigInteger(entry.getSerial(), 16),
            new Date(entry.getRevokedAtMs()), reason);
      }
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number))
          .addExtension(Extension.authorityKeyIdentifier, false,
              new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      return new JcaX509CRLConverter().getCRL(builder.build(signer));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the CRL", e);
    }
  }

  Clock clock() {
    return clock;
  }

  private X509Certificate issue(String commonName, PublicKey publicKey, Duration validity,
      KeyPurposeId purpose, Set<String> dnsNames, Set<String> ipAddresses) {
    requireKey();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName)
        .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      int usage = KeyUsage.digitalSignature;
      if ("RSA".equals(publicKey.getAlgorithm())) {
        usage |= KeyUsage.keyEncipherment;
      }
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
          serial(random), Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)),
          subject, publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(certificate));
      List<GeneralName> names = new ArrayList<>();
      dnsNames.stream().sorted().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
      ipAddresses.stream().sorted()
          .forEach(n -> names.add(new GeneralName(GeneralName.iPAddress, n)));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return sign(builder, key);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with the CA key", e);
    }
  }

  /** Random positive serial of 127 bits: unique without coordination, under 20 octets. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).setBit(126);
  }
}
