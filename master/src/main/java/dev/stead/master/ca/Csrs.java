package dev.stead.master.ca;

import dev.stead.wire.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PKCS#10 certificate requests as PEM text. Only the master reads them, with Bouncy Castle;
 * the shared {@link Pem} stays JDK-only so an agent never loads it. Stateless.
 */
public final class Csrs {
  private Csrs() {}

  /** Parses a PEM PKCS#10 request; IllegalArgumentException when {@code pem} holds none. */
  public static PKCS10CertificationRequest parse(String pem) {
    try {
      return new PKCS10CertificationRequest(Pem.decode(pem, Pem.CERTIFICATE_REQUEST));
    } catch (IOException | RuntimeException e) {
      // Damaged DER fails with a variety of runtime exceptions; all mean "not a request".
      throw new IllegalArgumentException("not a PEM certificate signing request (PKCS#10): "
          + e.getMessage(), e);
    }
  }

  public static String pem(PKCS10CertificationRequest request) {
    try {
      return Pem.encode(Pem.CERTIFICATE_REQUEST, request.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
