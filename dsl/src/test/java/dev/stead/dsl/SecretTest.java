package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.wire.Catalogs;
import dev.stead.wire.SecretBlob;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiler turns secrets into references and never needs (or has) the key. */
class SecretTest {
  @TempDir Path dir;

  /** A well-formed blob: the compiler only parses it, so the ciphertext can be anything. */
  static SecretBlob blob(char hashDigit) {
    return SecretBlob.of("0123456789abcdef", String.valueOf(hashDigit).repeat(64),
        new byte[40]);
  }

  private Catalog compile(String site, String data) throws Exception {
    Code code = new Code(dir).file("data/common.yaml", data).file("site.groovy", site);
    return code.environment().compile("web01", Code.debian());
  }

  private static Value content(Catalog catalog, String path) {
    for (Resource r : catalog.getResourcesList()) {
      if (r.getTitle().equals(path)) {
        return r.getParametersOrThrow("content");
      }
    }
    throw new AssertionError("no " + path);
  }

  @Test
  void secretInCodeAndSecretDataBecomeReferences() throws Exception {
    SecretBlob a = blob('a');
    SecretBlob b = blob('b');
    String site = "node('default') {\n"
        + "  file('/etc/app/db.pass') { content secret('" + a.text() + "'); mode '0600' }\n"
        + "  file('/etc/app/api.key', content: lookup('app::api_key'))\n"
        + "}\n";
    Catalog catalog = compile(site, "app::api_key: '" + b.text() + "'\n");

    assertThat(content(catalog, "/etc/app/db.pass").getSecretValue())
        .isEqualTo(a.ref());
    assertThat(content(catalog, "/etc/app/api.key").getSecretValue().getKeyedHash())
        .isEqualTo("b".repeat(64));
    // The catalog holds the reference only: no ciphertext, nothing to decrypt.
    assertThat(Catalogs.toJson(catalog)).doesNotContain("ENC[")
        .contains("0123456789abcdef");
    assertThat(catalog.toByteArray().length).isLessThan(2000);
  }

  @Test
  void secretsBoundFromDataToClassParametersStaySecretsAlsoInsideMaps() throws Exception {
    SecretBlob a = blob('a');
    SecretBlob b = blob('b');
    String site = "klass('app') { password, Map users ->\n"
        + "  file('/etc/app/db.pass', content: password)\n"
        + "  users.each { name, attrs -> file(\"/etc/app/${name}.pass\", content: attrs.password) }\n"
        + "}\n"
        + "node('default') { include 'app' }\n";
    Catalog catalog = compile(site, "app::password: '" + a.text() + "'\n"
        + "app::users:\n  alice:\n    password: '" + b.text() + "'\n");

    assertThat(content(catalog, "/etc/app/db.pass").getSecretValue()).isEqualTo(a.ref());
    assertThat(content(catalog, "/etc/app/alice.pass").getSecretValue()).isEqualTo(b.ref());
    assertThat(Catalogs.toJson(catalog)).doesNotContain("ENC[");
  }

  @Test
  void aTypedStringParameterBoundToASecretIsAClearError() {
    String site = "klass('app') { String password ->\n"
        + "  file('/etc/app/db.pass', content: password)\n"
        + "}\n"
        + "node('default') { include 'app' }\n";
    assertThatThrownBy(
            () -> compile(site, "app::password: '" + blob('a').text() + "'\n"))
        .hasMessageContaining("parameter 'password' of class 'app' is declared String but its"
            + " value is a secret (from data/common.yaml)")
        .hasMessageNotContaining("ENC[");
  }

  @Test
  void theDigestIsStableAndFollowsTheSecret() throws Exception {
    String site = "node('default') { file('/etc/p', content: secret(lookup('p'))) }\n";
    Catalog first = compile(site, "p: '" + blob('a').text() + "'\n");
    assertThat(compile(site, "p: '" + blob('a').text() + "'\n").getDigest())
        .isEqualTo(first.getDigest());
    // Re-encrypting the same plaintext gives another blob with the same keyed hash: the
    // resources are byte for byte the same (the digest also covers the code version, which
    // follows the data file's bytes).
    SecretBlob same = SecretBlob.of("0123456789abcdef", "a".repeat(64), new byte[41]);
    Catalog again = compile(site, "p: '" + same.text() + "'\n");
    assertThat(again.getResourcesList()).isEqualTo(first.getResourcesList());
    assertThat(Catalogs.digest(again.toBuilder().setCodeVersion(first.getCodeVersion())
        .build())).isEqualTo(first.getDigest());
    Catalog changed = compile(site, "p: '" + blob('c').text() + "'\n");
    assertThat(Catalogs.digest(changed.toBuilder().setCodeVersion(first.getCodeVersion())
        .build())).isNotEqualTo(first.getDigest());
  }

  @Test
  void notABlobIsACompileErrorAtItsLineWithoutEchoingIt() {
    new Code(dir).file("site.groovy", "node('default') {\n"
        + "  file('/etc/p', content: secret('hunter2'))\n}\n");
    assertThat(Code.errorsOf(() -> new Code(dir).environment().compile("web01", Code.debian())))
        .singleElement().satisfies(e -> assertThat(e).startsWith("site.groovy:2: ")
            .contains("stead secret encrypt").doesNotContain("hunter2"));
  }

  @Test
  void onlyStringParametersTakeSecrets() {
    new Code(dir).file("site.groovy", "node('default') {\n"
        + "  file('/etc/p', content: 'x', mode: secret('" + blob('a').text() + "'))\n"
        + "  user('bob', uid: secret('" + blob('a').text() + "'))\n}\n");
    assertThat(String.join("\n",
        Code.errorsOf(() -> new Code(dir).environment().compile("web01", Code.debian()))))
        .contains("uid").contains("cannot be a secret");
  }
}
