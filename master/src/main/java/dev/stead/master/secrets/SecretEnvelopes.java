package dev.stead.master.secrets;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.SecretBlob;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Seals a catalog's secrets for the node that asked for it: one CMS EnvelopedData per
 * secret, encrypted to the node's certificate key (ECDH key agreement for EC keys, RSA-OAEP
 * key transport for RSA keys; AES-256-GCM content), keyed by the secret's keyed hash. The
 * plaintext exists only in this method's memory. Thread-safe.
 */
public final class SecretEnvelopes {
  private final MasterKey key;

  /**
   * Bouncy Castle's provider, built at the first sealing: building it registers every
   * algorithm it has (~0.1–0.3 s of a cold JVM), and {@link #hasSecrets}, asked for every
   * catalog a master serves, needs none of it.
   */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  public SecretEnvelopes(MasterKey key) {
    this.key = key;
  }

  /** True when {@code catalog} holds at least one secret. */
  public static boolean hasSecrets(Catalog catalog) {
    return !refs(catalog).isEmpty();
  }

  /**
   * The envelopes for every secret of {@code catalog}, for the holder of {@code node}'s key.
   *
   * @throws IllegalArgumentException when a secret cannot be opened (unknown here, another
   *     master's key, altered), naming the resource
   */
  public Map<String, ByteString> seal(Catalog catalog, X509Certificate node) {
    Map<String, ByteString> out = new TreeMap<>();
    refs(catalog).forEach((hash, where) -> {
      SecretBlob blob = SecretBlob.remembered(hash);
      if (blob == null) {
        throw new IllegalArgumentException("the secret in " + where
            + " is not known to this master (compile it again)");
      }
      byte[] plaintext = key.decrypt(blob);
      try {
        out.put(hash, ByteString.copyFrom(envelope(plaintext, node)));
      } catch (GeneralSecurityException | CMSException | IOException e) {
        throw new IllegalStateException("cannot encrypt the secret in " + where + " to "
            + node.getSubjectX500Principal() + ": " + e.getMessage(), e);
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    });
    return out;
  }

  /** A CMS EnvelopedData (DER) of {@code plaintext} that only {@code recipient}'s key opens. */
  public static byte[] envelope(byte[] plaintext, X509Certificate recipient)
      throws GeneralSecurityException, CMSException, IOException {
    RecipientInfoGenerator info;
    if (recipient.getPublicKey() instanceof ECPublicKey) {
      KeyPair ephemeral = ephemeral(recipient);
      info = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
          ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP)
          .addRecipient(recipient).setProvider(Bc.PROVIDER);
    } else if (recipient.getPublicKey() instanceof RSAPublicKey) {
      info = new JceKeyTransRecipientInfoGenerator(recipient).setProvider(Bc.PROVIDER);
    } else {
      throw new GeneralSecurityException("unsupported node key type "
          + recipient.getPublicKey().getAlgorithm());
    }
    CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
    generator.addRecipientInfoGenerator(info);
    return generator.generate(new CMSProcessableByteArray(plaintext),
        new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).setProvider(Bc.PROVIDER)
            .build()).getEncoded();
  }

  /** ECDH needs an ephemeral originator key on the recipient's curve. */
  private static KeyPair ephemeral(X509Certificate recipient)
      throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(((ECPublicKey) recipient.getPublicKey()).getParams());
    return generator.generateKeyPair();
  }

  private static Map<String, String> refs(Catalog catalog) {
    Map<String, String> out = new TreeMap<>();
    for (Resource r : catalog.getResourcesList()) {
      // Every check-in scans the whole catalog and most have no secret: the resource's name
      // for an error message is only built where a secret is.
      r.getParametersMap().forEach((name, v) -> collect(v, r, name, out));
    }
    return out;
  }

  private static void collect(Value v, Resource r, String parameter, Map<String, String> out) {
    switch (v.getKindCase()) {
      case SECRET_VALUE -> out.computeIfAbsent(v.getSecretValue().getKeyedHash(),
          hash -> r.getType() + "[" + r.getTitle() + "]." + parameter);
      case LIST_VALUE -> v.getListValue().getValuesList()
          .forEach(i -> collect(i, r, parameter, out));
      case MAP_VALUE -> v.getMapValue().getEntriesMap()
          .forEach((k, i) -> collect(i, r, parameter, out));
      default -> { }
    }
  }
}
