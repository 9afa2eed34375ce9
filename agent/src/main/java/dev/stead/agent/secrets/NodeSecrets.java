package dev.stead.agent.secrets;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.GetCatalogResponse;
import dev.stead.wire.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The secrets the master sealed to this node for one catalog: CMS envelopes keyed by keyed
 * hash, and the node's private key that opens them. Envelopes are opened one at a time, when
 * a resource is bound for the run; the plaintext is never stored. The envelopes themselves
 * are safe at rest (only this node's key opens them) and are kept beside the cached catalog,
 * {@code catalog/last.pb} → {@code catalog/last.secrets.pb}. Immutable.
 */
public final class NodeSecrets {
  /**
   * Created on the first envelope opened, not with the class: constructing the provider
   * loads ~1,000 classes (~0.3 s), and every run touches this class (none() included).
   */
  private static final class Bc {
    static final Provider PROVIDER =
        new BouncyCastleProvider();
  }
  private static final NodeSecrets NONE = new NodeSecrets(Map.of(), null, "");

  private final Map<String, ByteString> envelopes;
  private final PrivateKey key;
  private final String sealedTo;

  private NodeSecrets(Map<String, ByteString> envelopes, PrivateKey key, String sealedTo) {
    this.envelopes = Map.copyOf(envelopes);
    this.key = key;
    this.sealedTo = Objects.requireNonNull(sealedTo, "sealedTo");
  }

  /** No secrets (a masterless run): a resource with a secret fails, saying why. */
  public static NodeSecrets none() {
    return NONE;
  }

  public static NodeSecrets of(Map<String, ByteString> envelopes, PrivateKey key) {
    return of(envelopes, key, "");
  }

  /**
   * Envelopes as the master sent them, with the name of the key it sealed them to
   * ({@code envelopes_key}; empty when unknown), which goes back with the catalog's digest.
   */
  public static NodeSecrets of(Map<String, ByteString> envelopes, PrivateKey key,
      String sealedTo) {
    return new NodeSecrets(envelopes, Objects.requireNonNull(key, "key"), sealedTo);
  }

  /** The master's name for the key these envelopes are sealed to; empty when unknown. */
  public String sealedTo() {
    return sealedTo;
  }

  /** Where the envelopes of {@code cachedCatalog} are kept. */
  public static Path besides(Path cachedCatalog) {
    String name = cachedCatalog.getFileName().toString();
    String base = name.endsWith(".pb") ? name.substring(0, name.length() - 3) : name;
    return cachedCatalog.resolveSibling(base + ".secrets.pb");
  }

  /** Keeps the envelopes beside the cached catalog (owner-only), or removes a stale file. */
  public void save(Path cachedCatalog) throws IOException {
    Path file = besides(cachedCatalog);
    if (envelopes.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    AtomicFiles.writePrivate(file, GetCatalogResponse.newBuilder()
        .putAllSecretEnvelopes(envelopes).setEnvelopesKey(sealedTo).build().toByteArray());
  }

  /** The envelopes kept beside {@code cachedCatalog}; none when there is no file. */
  public static NodeSecrets load(Path cachedCatalog, PrivateKey key) throws IOException {
    try {
      GetCatalogResponse kept =
          GetCatalogResponse.parseFrom(Files.readAllBytes(besides(cachedCatalog)));
      return of(kept.getSecretEnvelopesMap(), key, kept.getEnvelopesKey());
    } catch (NoSuchFileException e) {
      return of(Map.of(), key);
    }
  }

  public int size() {
    return envelopes.size();
  }

  /**
   * Opens the envelope of {@code keyedHash}.
   *
   * @throws SecretUnavailable naming the secret by its hash (never the content)
   */
  public byte[] open(String keyedHash) throws SecretUnavailable {
    String shortHash = keyedHash.length() > 12 ? keyedHash.substring(0, 12) + "…" : keyedHash;
    ByteString envelope = envelopes.get(keyedHash);
    if (envelope == null || key == null) {
      throw new SecretUnavailable("secret " + shortHash + " was not delivered with the "
          + "catalog (secrets need a master: they are sealed to this node when it fetches "
          + "its catalog)");
    }
    return Cms.open(envelope.toByteArray(), key, shortHash);
  }

  /**
   * The Bouncy Castle side, in a class of its own: the JVM loads the exception types of a
   * method's handlers when it verifies the class, so keeping them in {@code NodeSecrets} made
   * every run (secrets or not) load Bouncy Castle and check its signed jars.
   */
  private static final class Cms {
    static byte[] open(byte[] envelope, PrivateKey key, String shortHash)
        throws SecretUnavailable {
      try {
        CMSEnvelopedData data = new CMSEnvelopedData(envelope);
        Collection<RecipientInformation> recipients = data.getRecipientInfos().getRecipients();
        CMSException last = null;
        for (RecipientInformation r : recipients) {
          Recipient recipient = key instanceof ECPrivateKey
              ? new JceKeyAgreeEnvelopedRecipient(key).setProvider(Bc.PROVIDER)
              : new JceKeyTransEnvelopedRecipient(key).setProvider(Bc.PROVIDER);
          try {
            return r.getContent(recipient);
          } catch (CMSException e) {
            last = e;
          }
        }
        throw new SecretUnavailable("secret " + shortHash + " cannot be opened with this "
            + "node's key" + (last == null ? "" : " (" + last.getMessage() + ")"));
      } catch (CMSException | IllegalArgumentException e) {
        throw new SecretUnavailable("secret " + shortHash + " has a damaged envelope: "
            + e.getMessage());
      }
    }
  }

  /** A secret that cannot be opened here; the resource that needs it fails. */
  public static final class SecretUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public SecretUnavailable(String message) {
      super(message);
    }
  }
}
