package dev.stead.master.ca;

import dev.stead.master.ca.CaException.Reason;
import java.net.InetAddress;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Decides whether a certificate signing request may be signed for a certname. Only the
 * subject key and the certname are ever taken from a CSR: requested extensions (SANs,
 * usages) are never copied, so a node cannot claim more than its name; a request that asks
 * for a subject alternative name other than its own DNS name is refused outright.
 */
public final class CsrValidator {
  static final int MAX_PEM_LENGTH = 16 * 1024;
  private static final int MIN_EC_BITS = 256;
  private static final int MIN_RSA_BITS = 2048;

  private CsrValidator() {}

  public static ValidatedCsr validate(String certname, String csrPem) throws CaException {
    String nameProblem = Certnames.problem(certname);
    if (nameProblem != null) {
      throw new CaException(Reason.INVALID, nameProblem);
    }
    if (csrPem == null || csrPem.isBlank()) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' is empty");
    }
    if (csrPem.length() > MAX_PEM_LENGTH) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' is larger than " + MAX_PEM_LENGTH + " bytes");
    }
    PKCS10CertificationRequest request;
    try {
      request = Csrs.parse(csrPem);
    } catch (IllegalArgumentException e) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' is not a PEM PKCS#10 request");
    }
    PublicKey key;
    try {
      key = new JcaPKCS10CertificationRequest(request).getPublicKey();
    } catch (InvalidKeyException | NoSuchAlgorithmException | RuntimeException e) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' has an unreadable or unsupported public key");
    }
    try {
      boolean valid = request.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(key));
      if (!valid) {
        throw new CaException(Reason.INVALID, "the certificate request for '" + certname
            + "' has a bad signature");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' has a signature that cannot be verified");
    }
    RDN[] cns = request.getSubject().getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      throw new CaException(Reason.INVALID, "the certificate request for '" + certname
          + "' must have exactly one CN in its subject");
    }
    String cn = IETFUtils.valueToString(cns[0].getFirst().getValue());
    if (!cn.equals(certname)) {
      throw new CaException(Reason.INVALID, "the certificate request's CN '"
          + Certnames.printable(cn) + "' does not match the certname '" + certname + "'");
    }
    checkKey(certname, key);
    checkRequestedNames(certname, request);
    return new ValidatedCsr(certname, request, key, Csrs.pem(request));
  }

  /**
   * Requested extensions are never copied, but a request for a subject alternative name the
   * node may not hold (anything but its own DNS name) shows intent or a misconfiguration:
   * refuse it instead of silently signing something else than was asked for.
   */
  private static void checkRequestedNames(String certname, PKCS10CertificationRequest request)
      throws CaException {
    Attribute[] requests =
        request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
    for (Attribute attribute : requests) {
      for (ASN1Encodable value : attribute.getAttributeValues()) {
        GeneralNames names;
        try {
          Extensions extensions = Extensions.getInstance(value);
          names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        } catch (RuntimeException e) {
          throw new CaException(Reason.INVALID, "the certificate request for '" + certname
              + "' has a malformed extension request");
        }
        if (names == null) {
          continue;
        }
        for (GeneralName name : names.getNames()) {
          boolean own = name.getTagNo() == GeneralName.dNSName
              && certname.equals(text(name));
          if (!own) {
            throw new CaException(Reason.INVALID, "the certificate request for '" + certname
                + "' asks for the subject alternative name '"
                + Certnames.printable(describe(name))
                + "', which a node may not claim: request only its own name");
          }
        }
      }
    }
  }

  private static String describe(GeneralName name) {
    return switch (name.getTagNo()) {
      case GeneralName.dNSName -> "DNS:" + text(name);
      case GeneralName.iPAddress -> "IP:" + ipText(name);
      case GeneralName.uniformResourceIdentifier -> "URI:" + text(name);
      case GeneralName.rfc822Name -> "email:" + text(name);
      default -> "name of type " + name.getTagNo();
    };
  }

  private static String text(GeneralName name) {
    return name.getName() instanceof ASN1String text ? text.getString() : "?";
  }

  private static String ipText(GeneralName name) {
    try {
      byte[] bytes = ASN1OctetString.getInstance(name.getName()).getOctets();
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (Exception e) {
      return "?";
    }
  }

  /** The PKCS#9 challengePassword of {@code request}, if it carries exactly one. */
  public static Optional<String> challengePassword(PKCS10CertificationRequest request) {
    Attribute[] attributes =
        request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
    if (attributes.length != 1 || attributes[0].getAttributeValues().length != 1) {
      return Optional.empty();
    }
    ASN1Encodable value = attributes[0].getAttributeValues()[0];
    if (value instanceof ASN1String text) {
      return Optional.of(text.getString());
    }
    return Optional.empty();
  }

  /**
   * For a renewal, where the certname comes from the caller's certificate: a CSR whose subject
   * names someone else is FORBIDDEN (an authorization failure, not a malformed request).
   */
  static void requireCnIn(String callerCn, String csrPem) throws CaException {
    if (csrPem == null || csrPem.length() > MAX_PEM_LENGTH) {
      return;  // validate() refuses it with the precise reason
    }
    PKCS10CertificationRequest request;
    try {
      request = Csrs.parse(csrPem);
    } catch (IllegalArgumentException e) {
      throw new CaException(Reason.INVALID, "the renewal request of '" + callerCn
          + "' is not a PEM PKCS#10 request");
    }
    RDN[] cns = request.getSubject().getRDNs(BCStyle.CN);
    if (cns.length == 1 && !cns[0].isMultiValued()) {
      String cn = IETFUtils.valueToString(cns[0].getFirst().getValue());
      if (!cn.equals(callerCn)) {
        throw new CaException(Reason.FORBIDDEN, "'" + callerCn + "' may renew only its own"
            + " certificate, not one for '" + Certnames.printable(cn) + "'");
      }
    }
  }

  private static void checkKey(String certname, PublicKey key) throws CaException {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits < MIN_EC_BITS) {
        throw new CaException(Reason.INVALID, "the key of '" + certname + "' is EC " + bits
            + " bits; at least " + MIN_EC_BITS + " are required");
      }
    } else if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < MIN_RSA_BITS) {
        throw new CaException(Reason.INVALID, "the key of '" + certname + "' is RSA " + bits
            + " bits; at least " + MIN_RSA_BITS + " are required");
      }
    } else {
      throw new CaException(Reason.INVALID, "the key of '" + certname + "' is "
          + key.getAlgorithm() + "; only EC (P-256 or larger) and RSA (2048 bits or more)"
          + " are accepted");
    }
  }
}
