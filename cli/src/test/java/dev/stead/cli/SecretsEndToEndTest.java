package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.agent.secrets.NodeSecrets;
import dev.stead.master.AdminClient;
import dev.stead.master.fleet.FleetClient;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.wire.Pem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets with real processes: `stead secret encrypt` against a running master, a data value
 * and a `secret()` in code, `stead agent run` writing the plaintext, and then a search of
 * every byte the master and the agents left (RocksDB files after close included) and
 * everything they printed: the plaintext is only in the managed files.
 */
class SecretsEndToEndTest {
  private static final String DB_PASSWORD = "db-Pa55word-7f3c9e1a";
  private static final String NEW_DB_PASSWORD = "rotated-Pa55word-2b8d4f60";
  private static final String API_KEY = "api-key-0d9e8c7b6a5f";
  private static final List<String> PLAINTEXTS = List.of(DB_PASSWORD, NEW_DB_PASSWORD, API_KEY);

  @TempDir Path tmp;
  private final StringBuilder printed = new StringBuilder();

  private String encrypt(MasterProcess master, String plaintext) throws Exception {
    Process p = new ProcessBuilder(StepProcess.command("secret", "encrypt", "--data",
        master.data.toString())).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write((plaintext + "\n").getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    printed.append(text);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text.strip()).startsWith("ENC[stead:v1:").endsWith("]");
    return text.strip();
  }

  private Cli agent(MasterProcess master, String certname, String fingerprint)
      throws Exception {
    Cli run = Cli.run("agent", "run", "--once", "--server", master.address,
        "--certname", certname, "--state", tmp.resolve("state-" + certname).toString(),
        "--root", tmp.resolve("root-" + certname).toString(), "--ca-fingerprint", fingerprint);
    printed.append(run.output());
    return run;
  }

  private void writeCode(Path code, String dbBlob, String apiBlob) throws IOException {
    Files.createDirectories(code.resolve("data"));
    Files.writeString(code.resolve("data/common.yaml"),
        "app::db_password: '" + dbBlob + "'\n");
    Files.writeString(code.resolve("site.groovy"), """
        node('web1.test') {
            file('/etc/app') { ensure 'directory'; mode '0755' }
            file('/etc/app/db.pass') { content lookup('app::db_password'); mode '0600' }
            file('/etc/app/api.key') { content secret('API'); mode '0600' }
        }
        node('default') {
            file('/etc/motd') { content 'hello\\n' }
        }
        """.replace("API", apiBlob));
  }

  private static Event contentEvent(Report report, String key) {
    return report.getResourcesList().stream().filter(r -> r.getKey().equals(key))
        .flatMap(r -> r.getEventsList().stream())
        .filter(e -> e.getProperty().equals("content")).findFirst().orElseThrow();
  }

  @Test
  void secretsReachTheFileAndNothingElse() throws Exception {
    Path code = tmp.resolve("code");
    Files.createDirectories(code);
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    Path data = tmp.resolve("master");
    MasterProcess master = MasterProcess.start(data, code, "--autosign", "*.test");
    Path root = tmp.resolve("root-web1.test");
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(tmp.resolve("root-web2.test/etc"));
    String fingerprint;
    try (AdminClient admin = master.admin()) {
      fingerprint = admin.caFingerprint();
    }
    try {
      String dbBlob = encrypt(master, DB_PASSWORD);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
          data.resolve("secrets/master.key")))).isEqualTo("rw-------");
      String apiBlob = encrypt(master, API_KEY);
      writeCode(code, dbBlob, apiBlob);

      Cli first = agent(master, "web1.test", fingerprint);
      assertThat(first.exitCode()).as(first.toString()).isEqualTo(2);
      assertThat(root.resolve("etc/app/db.pass")).hasContent(DB_PASSWORD);
      assertThat(root.resolve("etc/app/api.key")).hasContent(API_KEY);
      assertThat(first.output()).contains("[secret");

      // A new secret: the catalog's digest changes and the change is intended.
      String firstDigest;
      try (AdminClient admin = master.admin()) {
        firstDigest = new FleetClient(admin).latest("web1.test", 1).get(0).getCatalogDigest();
      }
      writeCode(code, encrypt(master, NEW_DB_PASSWORD), apiBlob);
      Cli rotated = agent(master, "web1.test", fingerprint);
      assertThat(rotated.exitCode()).as(rotated.toString()).isEqualTo(2);
      assertThat(root.resolve("etc/app/db.pass")).hasContent(NEW_DB_PASSWORD);
      try (AdminClient admin = master.admin()) {
        Report report = new FleetClient(admin).latest("web1.test", 1).get(0);
        assertThat(report.getCatalogDigest()).isNotEqualTo(firstDigest);
        Event event = contentEvent(report, "file[/etc/app/db.pass]");
        assertThat(event.getKind()).isEqualTo(ChangeKind.INTENDED);
        assertThat(event.getSensitive()).isTrue();
        assertThat(event.getBefore()).isEqualTo("[secret]");
        assertThat(event.getAfter()).startsWith("[secret ");
        assertThat(event.getDiff()).isEmpty();
      }

      // Tampered by hand: drift, repaired, values not shown.
      Files.writeString(root.resolve("etc/app/db.pass"), "by-hand\n");
      Cli repaired = agent(master, "web1.test", fingerprint);
      assertThat(repaired.exitCode()).as(repaired.toString()).isEqualTo(2);
      assertThat(repaired.output()).contains("drift: file[/etc/app/db.pass] content")
          .doesNotContain("by-hand");
      assertThat(root.resolve("etc/app/db.pass")).hasContent(NEW_DB_PASSWORD);
      try (AdminClient admin = master.admin()) {
        Event event = contentEvent(new FleetClient(admin).latest("web1.test", 1).get(0),
            "file[/etc/app/db.pass]");
        assertThat(event.getKind()).isEqualTo(ChangeKind.DRIFT);
        assertThat(event.getSensitive()).isTrue();
      }

      // Another node: its key does not open the envelopes kept for web1.
      Cli other = agent(master, "web2.test", fingerprint);
      assertThat(other.exitCode()).as(other.toString()).isEqualTo(2);
      PrivateKey web2 = Pem.readPrivateKey(
          Files.readString(tmp.resolve("state-web2.test/ssl/private_key.pem")));
      PrivateKey web1 = Pem.readPrivateKey(
          Files.readString(tmp.resolve("state-web1.test/ssl/private_key.pem")));
      Path cached = tmp.resolve("state-web1.test/catalog/last.pb");
      assertThat(NodeSecrets.load(cached, web1).size()).isEqualTo(2);
      NodeSecrets stolen = NodeSecrets.load(cached, web2);
      String hash = new String(Files.readAllBytes(cached.resolveSibling("last.secrets.pb")),
          StandardCharsets.ISO_8859_1).replaceAll("(?s).*?([0-9a-f]{64}).*", "$1");
      assertThatThrownBy(() -> stolen.open(hash))
          .isInstanceOf(NodeSecrets.SecretUnavailable.class);
    } finally {
      master.close();
    }

    // The master is away: the cached catalog and its envelopes repair the file.
    Files.writeString(root.resolve("etc/app/db.pass"), "by-hand-again\n");
    Cli cached = agent(master, "web1.test", fingerprint);
    assertThat(cached.output()).as(cached.toString()).contains("cached catalog");
    assertThat(root.resolve("etc/app/db.pass")).hasContent(NEW_DB_PASSWORD);

    printed.append(Files.readString(tmp.resolve("master.log")));
    List<Path> searched = new ArrayList<>();
    StringBuilder everything = new StringBuilder();
    for (Path dir : List.of(data, tmp.resolve("state-web1.test"), tmp.resolve("state-web2.test"))) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          searched.add(f);
          everything.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
      }
    }
    assertThat(searched).anyMatch(f -> f.toString().endsWith(".log")
        || f.getFileName().toString().endsWith(".sst"));
    for (String plaintext : PLAINTEXTS) {
      assertThat(everything.toString()).as("files under the master's and agents' state")
          .doesNotContain(plaintext);
      assertThat(printed.toString()).as("what the processes printed").doesNotContain(plaintext);
    }
  }
}
