package dev.stead.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.dsl.testkit.CatalogView;
import dev.stead.dsl.testkit.TestFacts;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening module applied for real under a temporary root laid out like a fresh Debian
 * system with its kernel parameters at their insecure values: never to this machine's own
 * sysctls or sshd. Packages, services and execs are left out (under --root no command runs).
 */
class HardeningConvergeTest {
  @TempDir static Path env;
  /** The whole module enforced, and in audit mode: compiled once (a load compiles every module). */
  static Catalog catalog;
  static Catalog audited;
  /** Each sysctl the catalog sets, with the value it sets. */
  static final Map<String, String> sysctls = new TreeMap<>();

  @TempDir Path tmp;
  Path root;

  @BeforeAll
  static void compile() throws Exception {
    Files.createDirectories(env.resolve("data"));
    Files.writeString(env.resolve("data/common.yaml"), "sshd::validate: false\n");
    var compiler = ModuleFixture.environment(env, """
        node('audited') { include 'hardening', mode: 'audit' }
        node('default') { include 'hardening' }
        """);
    catalog = compiler.compile("web01", TestFacts.debian().toFacts());
    audited = compiler.compile("audited", TestFacts.debian().toFacts());
    CatalogView view = CatalogView.of(catalog);
    for (String key : view.keys()) {
      if (key.startsWith("sysctl[")) {
        sysctls.put(key.substring(7, key.length() - 1), (String) view.resource(key).parameter("value"));
      }
    }
    assertThat(sysctls).hasSizeGreaterThan(20);
  }

  @BeforeEach
  void debianRoot() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    for (var entry : sysctls.entrySet()) {
      Path proc = root.resolve("proc/sys/" + entry.getKey().replace('.', '/'));
      Files.createDirectories(proc.getParent());
      Files.writeString(proc, (entry.getValue().equals("0") ? "1" : "0") + "\n");
    }
    for (String dir : new String[] {"etc/ssh", "etc/security/limits.d", "etc/modprobe.d",
        "etc/audit/rules.d"}) {
      Files.createDirectories(root.resolve(dir));
    }
    Files.writeString(root.resolve("etc/login.defs"), """
        # Password aging controls:
        #
        #	PASS_MAX_DAYS	Maximum number of days a password may be used.
        #	PASS_MIN_DAYS	Minimum number of days allowed between password changes.
        #	PASS_WARN_AGE	Number of days warning given before a password expires.
        #
        PASS_MAX_DAYS	99999
        PASS_MIN_DAYS	0
        PASS_WARN_AGE	7
        """);
    for (String name : new String[] {"passwd", "group", "shadow", "gshadow"}) {
      Path p = root.resolve("etc").resolve(name);
      Files.writeString(p, "root:x:0:\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
    }
  }

  private ModuleConverge converge() {
    return new ModuleConverge(root, tmp.resolve("state"), "pkg", "service", "exec");
  }

  private String proc(String key) throws Exception {
    return Files.readString(root.resolve("proc/sys/" + key.replace('.', '/'))).strip();
  }

  @Test
  void convergesInOneRunAndTheSecondChangesNothing() throws Exception {
    converge().applyTwiceConverging(catalog);

    for (var entry : sysctls.entrySet()) {
      assertThat(proc(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
    }
    assertThat(root.resolve("etc/sysctl.d/99-stead.conf")).content()
        .contains("net.ipv4.ip_forward = 0\n", "net.ipv4.tcp_syncookies = 1\n",
            "fs.suid_dumpable = 0\n");
    assertThat(root.resolve("etc/security/limits.d/60-stead-core.conf")).content()
        .endsWith("* hard core 0\n");
    assertThat(root.resolve("etc/modprobe.d/stead-udf.conf")).content()
        .contains("install udf /bin/false\nblacklist udf\n");
    assertThat(root.resolve("etc/login.defs")).content()
        .contains("#\tPASS_MAX_DAYS\tMaximum number of days a password may be used.\n")
        .contains("\nPASS_MAX_DAYS 365\nPASS_MIN_DAYS 1\nPASS_WARN_AGE 7\n");
    assertThat(root.resolve("etc/audit/rules.d/50-stead-identity.rules")).content()
        .contains("-w /etc/passwd -p wa -k identity\n");
    assertThat(modeAndGroup("passwd")).isEqualTo("rw-r--r-- root");
    assertThat(modeAndGroup("group")).isEqualTo("rw-r--r-- root");
    assertThat(modeAndGroup("shadow")).isEqualTo("rw-r----- shadow");
    assertThat(modeAndGroup("gshadow")).isEqualTo("rw-r----- shadow");
  }

  @Test
  void theSshdDropInsPassTheRealSshdAndTakeEffect() throws Exception {
    converge().applyTwiceConverging(catalog);
    Path dropIns = root.resolve("etc/ssh/sshd_config.d");
    SshdCheck.prepare();
    try (var files = Files.list(dropIns)) {
      for (Path f : files.toList()) {
        RealTool check = SshdCheck.check(f);
        assertThat(check.exitCode()).as(f + ": " + check).isZero();
      }
    }
    // sshd's own view of the result: its effective settings with the drop-ins included.
    Path config = tmp.resolve("sshd_config");
    Files.writeString(config, "Include " + dropIns + "/*.conf\n");
    RealTool effective = RealTool.run("/usr/sbin/sshd", "-T", "-f", config.toString());
    assertThat(effective.exitCode()).as(effective.toString()).isZero();
    assertThat(effective.output()).contains("permitrootlogin no\n", "permitemptypasswords no\n",
        "clientaliveinterval 15\n", "clientalivecountmax 3\n", "maxauthtries 4\n",
        "logingracetime 60\n", "hostbasedauthentication no\n", "ignorerhosts yes\n");
    String ciphers = effective.output().lines().filter(l -> l.startsWith("ciphers "))
        .findFirst().orElseThrow();
    assertThat(ciphers).doesNotContain("chacha20", "cbc");
  }

  @Test
  void driftIsRepairedAndReportedAsDrift() throws Exception {
    converge().applyTwiceConverging(catalog);
    Files.writeString(root.resolve("proc/sys/net/ipv4/ip_forward"), "1\n");
    Report repair = converge().apply(catalog);
    assertThat(repair.getSummary().getChanged()).as(ModuleConverge.describe(repair)).isEqualTo(1);
    assertThat(repair.getResourcesList()).singleElement().satisfies(r -> {
      assertThat(r.getKey()).isEqualTo("sysctl[net.ipv4.ip_forward]");
      assertThat(r.getEvents(0).getKind()).isEqualTo(ChangeKind.DRIFT);
    });
    assertThat(proc("net.ipv4.ip_forward")).isEqualTo("0");
  }

  @Test
  void inAuditModeNothingChangesAndEverythingOutOfSyncIsReported() throws Exception {
    Report audit = converge().apply(audited);
    assertThat(audit.getSummary().getChanged()).as(ModuleConverge.describe(audit)).isZero();
    assertThat(audit.getSummary().getFailed()).as(ModuleConverge.describe(audit)).isZero();
    assertThat(audit.getSummary().getOutOfSync()).isGreaterThan(sysctls.size());
    assertThat(proc("net.ipv4.ip_forward")).isEqualTo("1");
    assertThat(root.resolve("etc/ssh/sshd_config.d")).doesNotExist();
    assertThat(modeAndGroup("shadow")).isEqualTo("rw-rw-rw- root");
  }

  private String modeAndGroup(String name) throws Exception {
    PosixFileAttributes a = Files.readAttributes(root.resolve("etc").resolve(name),
        PosixFileAttributes.class);
    return PosixFilePermissions.toString(a.permissions()) + " " + a.group().getName();
  }
}
