package dev.stead.master.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.Value;
import dev.stead.testing.TestPki;
import dev.stead.wire.SecretBlob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretEnvelopesTest {
  @TempDir Path data;

  static X509Certificate certificate(String cn, KeyPair key, String algorithm) throws Exception {
    return TestPki.selfSigned(cn, key, Instant.now().minusSeconds(60), Duration.ofHours(1),
        algorithm);
  }

  static byte[] open(ByteString envelope, PrivateKey key) throws Exception {
    CMSEnvelopedData data = new CMSEnvelopedData(envelope.toByteArray());
    RecipientInformation info = data.getRecipientInfos().getRecipients().iterator().next();
    Recipient recipient = key.getAlgorithm().startsWith("EC")
        ? new JceKeyAgreeEnvelopedRecipient(key).setProvider(new BouncyCastleProvider())
        : new JceKeyTransEnvelopedRecipient(key).setProvider(new BouncyCastleProvider());
    return info.getContent(recipient);
  }

  private static Catalog catalogWith(SecretBlob blob) {
    return Catalog.newBuilder().setNode("web1").addResources(Resource.newBuilder()
        .setType("file").setTitle("/etc/app/db.pass")
        .putParameters("content", blob.toValue())).build();
  }

  @Test
  void onlyTheRequestingNodesKeyOpensItsEnvelope() throws Exception {
    MasterKey key = MasterKey.loadOrCreate(data);
    SecretBlob blob = key.encrypt("db-pa55word".getBytes(StandardCharsets.UTF_8));
    KeyPair web1 = TestPki.ecKey();
    KeyPair web2 = TestPki.ecKey();
    Map<String, ByteString> sealed = new SecretEnvelopes(key)
        .seal(catalogWith(blob), certificate("web1", web1, "SHA256withECDSA"));

    assertThat(sealed).containsOnlyKeys(blob.keyedHash());
    ByteString envelope = sealed.get(blob.keyedHash());
    assertThat(envelope.toStringUtf8()).doesNotContain("db-pa55word");
    assertThat(new String(open(envelope, web1.getPrivate()), StandardCharsets.UTF_8))
        .isEqualTo("db-pa55word");
    assertThatThrownBy(() -> open(envelope, web2.getPrivate()))
        .isInstanceOf(CMSException.class);
  }

  @Test
  void rsaNodeKeysGetKeyTransport() throws Exception {
    MasterKey key = MasterKey.loadOrCreate(data);
    SecretBlob blob = key.encrypt("rsa-secret".getBytes(StandardCharsets.UTF_8));
    KeyPair node = TestPki.rsaKey(2048);
    ByteString envelope = new SecretEnvelopes(key).seal(catalogWith(blob),
        certificate("web1", node, "SHA256withRSA")).get(blob.keyedHash());
    assertThat(new String(open(envelope, node.getPrivate()), StandardCharsets.UTF_8))
        .isEqualTo("rsa-secret");
  }

  @Test
  void aSecretThisMasterNeverSawIsAClearError() throws Exception {
    MasterKey key = MasterKey.loadOrCreate(data);
    Catalog catalog = Catalog.newBuilder().setNode("web1").addResources(Resource.newBuilder()
        .setType("file").setTitle("/x").putParameters("content", Value.newBuilder()
            .setSecretValue(SecretRef.newBuilder().setKeyId(key.id())
                .setKeyedHash("ab".repeat(32))).build())).build();
    KeyPair web1 = TestPki.ecKey();
    assertThatThrownBy(() -> new SecretEnvelopes(key).seal(catalog,
        certificate("web1", web1, "SHA256withECDSA")))
        .hasMessageContaining("file[/x].content").hasMessageContaining("not known");
    assertThat(SecretEnvelopes.hasSecrets(catalog)).isTrue();
    assertThat(SecretEnvelopes.hasSecrets(Catalog.getDefaultInstance())).isFalse();
  }
}
