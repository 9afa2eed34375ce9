package dev.stead.agent.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.agent.Progress;
import dev.stead.agent.tls.KeyMaterial;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.ResourceStatus;
import dev.stead.proto.v1.SecretRef;
import dev.stead.proto.v1.Value;
import dev.stead.testing.TestPki;
import dev.stead.wire.Catalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's half of secrets, through the real converger and file type: the plaintext
 * reaches the file and nothing else. Envelopes are made here the way the master makes them
 * (ECDH to the node's certificate); the master's side has its own tests.
 */
class SecretsConvergeTest {
  private static final String PASSWORD = "correct-horse-battery-9";
  private static final String NEW_PASSWORD = "tr0ub4dor-and-3";

  @TempDir Path root;
  @TempDir Path state;

  static X509Certificate certificate(KeyPair key) throws Exception {
    return TestPki.selfSigned("web1", key, Instant.now().minusSeconds(60), Duration.ofHours(1),
        "SHA256withECDSA");
  }

  static ByteString envelope(String plaintext, X509Certificate to) throws Exception {
    BouncyCastleProvider bc = new BouncyCastleProvider();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ephemeral = generator.generateKeyPair();
    CMSEnvelopedDataGenerator cms = new CMSEnvelopedDataGenerator();
    cms.addRecipientInfoGenerator(new JceKeyAgreeRecipientInfoGenerator(
        CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(), ephemeral.getPublic(),
        CMSAlgorithm.AES256_WRAP).addRecipient(to).setProvider(bc));
    return ByteString.copyFrom(cms.generate(
        new CMSProcessableByteArray(plaintext.getBytes(StandardCharsets.UTF_8)),
        new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).setProvider(bc).build())
        .getEncoded());
  }

  static Catalog catalog(String hash) {
    return Catalogs.seal(Catalog.newBuilder().setNode("web1").addResources(Resource.newBuilder()
        .setType("file").setTitle("/etc/app/db.pass")
        .putParameters("content", Value.newBuilder().setSecretValue(SecretRef.newBuilder()
            .setKeyId("0123456789abcdef").setKeyedHash(hash)).build())
        .putParameters("mode", Value.newBuilder().setStringValue("0600").build())).build());
  }

  private Report run(KeyPair node, String hash, String plaintext) throws Exception {
    NodeSecrets secrets = NodeSecrets.of(
        Map.of(hash, envelope(plaintext, certificate(node))), node.getPrivate());
    return new Converger(new ConvergeOptions(root, state, false))
        .converge(catalog(hash), Progress.NONE, secrets);
  }

  private static Event contentEvent(Report report) {
    assertThat(report.getResourcesList()).singleElement()
        .satisfies(r -> assertThat(r.getStatus()).as(r.getMessage())
            .isEqualTo(ResourceStatus.CHANGED));
    return report.getResources(0).getEventsList().stream()
        .filter(e -> e.getProperty().equals("content")).findFirst().orElseThrow();
  }

  private static String everything(Path dir) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }

  @Test
  void fileGetsThePlaintextReportsAndStateDoNot() throws Exception {
    KeyPair node = KeyMaterial.generate();
    String hash = "a".repeat(64);
    Files.createDirectories(root.resolve("etc/app"));
    Report first = run(node, hash, PASSWORD);

    Path file = root.resolve("etc/app/db.pass");
    assertThat(Files.readString(file)).isEqualTo(PASSWORD);
    Event created = contentEvent(first);
    assertThat(created.getSensitive()).isTrue();
    assertThat(created.getBefore()).isEqualTo("[secret]");
    assertThat(created.getAfter()).isEqualTo("[secret 0123456789abcdef:" + hash + "]");
    assertThat(created.getDiff()).isEmpty();
    assertThat(first.toString()).doesNotContain(PASSWORD);

    // Changed secret: an intended change, and the old plaintext is not backed up.
    String newHash = "b".repeat(64);
    Event changed = contentEvent(run(node, newHash, NEW_PASSWORD));
    assertThat(Files.readString(file)).isEqualTo(NEW_PASSWORD);
    assertThat(changed.getKind()).isEqualTo(ChangeKind.INTENDED);
    assertThat(changed.getSensitive()).isTrue();
    assertThat(changed.getDiff()).isEmpty();

    // Tampered: drift, still redacted.
    Files.writeString(file, "tampered-by-hand\n");
    Report repaired = run(node, newHash, NEW_PASSWORD);
    Event drift = contentEvent(repaired);
    assertThat(drift.getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(drift.getBefore()).isEqualTo("[secret]");
    assertThat(drift.getDiff()).isEmpty();
    assertThat(repaired.toString()).doesNotContain("tampered-by-hand").doesNotContain(NEW_PASSWORD);
    assertThat(Files.readString(file)).isEqualTo(NEW_PASSWORD);

    assertThat(everything(state)).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD)
        .contains(newHash);
  }

  @Test
  void anotherNodesKeyCannotOpenTheEnvelope() throws Exception {
    KeyPair web1 = KeyMaterial.generate();
    KeyPair web2 = KeyMaterial.generate();
    String hash = "c".repeat(64);
    ByteString forWeb1 = envelope(PASSWORD, certificate(web1));
    assertThat(new String(NodeSecrets.of(Map.of(hash, forWeb1), web1.getPrivate()).open(hash),
        StandardCharsets.UTF_8)).isEqualTo(PASSWORD);
    assertThatThrownBy(() -> NodeSecrets.of(Map.of(hash, forWeb1), web2.getPrivate())
        .open(hash)).isInstanceOf(NodeSecrets.SecretUnavailable.class)
        .hasMessageContaining("cannot be opened with this node's key");
  }

  @Test
  void withoutAnEnvelopeTheResourceFailsAndNothingIsWritten() {
    Report report = new Converger(new ConvergeOptions(root, state, false))
        .converge(catalog("d".repeat(64)));
    assertThat(report.getResources(0).getStatus()).isEqualTo(ResourceStatus.FAILED);
    assertThat(report.getResources(0).getMessage()).contains("content")
        .contains("not delivered");
    assertThat(root.resolve("etc/app/db.pass")).doesNotExist();
  }

  @Test
  void envelopesAreKeptBesideTheCachedCatalog() throws Exception {
    KeyPair node = KeyMaterial.generate();
    String hash = "e".repeat(64);
    Path cached = state.resolve("catalog/last.pb");
    Files.createDirectories(cached.getParent());
    NodeSecrets.of(Map.of(hash, envelope(PASSWORD, certificate(node))), node.getPrivate())
        .save(cached);
    assertThat(state.resolve("catalog/last.secrets.pb")).exists();
    assertThat(new String(NodeSecrets.load(cached, node.getPrivate()).open(hash),
        StandardCharsets.UTF_8)).isEqualTo(PASSWORD);
    assertThat(everything(state)).doesNotContain(PASSWORD);
  }
}
