package dev.stead.agent.resource.ini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.resource.ResourceTypeContract;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IniSettingContractTest extends ResourceTypeContract {
  private static final String PHP_INI = """
      ; PHP's own settings
      [PHP]
      engine = On
      ; the default is 128M
      memory_limit = 128M

      max_execution_time = 30

      [Session]
      session.save_handler = files
      """;

  @TempDir Path root;
  private Path ini;

  @BeforeEach
  void iniFile() throws Exception {
    ini = root.resolve("etc/php.ini");
    Files.createDirectories(ini.getParent());
    Files.writeString(ini, PHP_INI);
    Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r-----"));
  }

  @Override
  protected Path root() {
    return root;
  }

  @Override
  protected List<Resource> resources() {
    return List.of(
        resource("ini_setting", "php memory", "path", "/etc/php.ini", "section", "PHP",
            "setting", "memory_limit", "value", "256M"),
        resource("ini_setting", "opcache", "path", "/etc/php.ini", "section", "opcache",
            "setting", "opcache.enable", "value", "1"));
  }

  @Override
  protected void verifyConverged() throws Exception {
    assertThat(Files.readString(ini)).isEqualTo(PHP_INI.replace("memory_limit = 128M", "memory_limit = 256M")
        + "\n[opcache]\nopcache.enable = 1\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini)))
        .as("the file keeps its mode").isEqualTo("rw-r-----");
  }

  @Override
  protected void tamper() throws Exception {
    Files.writeString(ini, Files.readString(ini).replace("memory_limit = 256M",
        "memory_limit = 64M"));
  }

  @Override
  protected String hostFingerprint() throws Exception {
    return files(ini);
  }

  @Override
  protected void cleanUp() {
    // Everything lives under the temporary root.
  }

  private Report apply(Resource... resources) {
    Catalogs4Test c = Catalogs4Test.catalog();
    for (Resource r : resources) {
      c.resource(r);
    }
    Report report = converge(c.build(), false);
    assertThat(report.getSummary().getFailed()).as(report.toString()).isZero();
    return report;
  }

  /** A missing key goes after its section's last key, not after comments or blank lines. */
  @Test
  void addsAMissingKeyAtTheEndOfItsSection() throws Exception {
    apply(resource("ini_setting", "cookies", "path", "/etc/php.ini", "section", "Session",
        "setting", "session.use_cookies", "value", "1"),
        resource("ini_setting", "engine", "path", "/etc/php.ini", "section", "PHP",
            "setting", "short_open_tag", "value", "Off"));
    assertThat(Files.readString(ini)).isEqualTo(PHP_INI
        .replace("max_execution_time = 30\n", "max_execution_time = 30\nshort_open_tag = Off\n")
        + "session.use_cookies = 1\n");
  }

  /** Spacing around the delimiter is not a difference; the separator shapes new lines only. */
  @Test
  void keepsAnEqualValueAsWrittenAndHonoursTheSeparator() throws Exception {
    Files.writeString(ini, "[mysqld]\n  port=3306\n");
    Report same = apply(resource("ini_setting", "port", "path", "/etc/php.ini",
        "section", "mysqld", "setting", "port", "value", "3306"));
    assertThat(events(same)).as(same.toString()).isEmpty();
    assertThat(Files.readString(ini)).isEqualTo("[mysqld]\n  port=3306\n");

    Report changed = apply(resource("ini_setting", "port", "path", "/etc/php.ini",
        "section", "mysqld", "setting", "port", "value", "3307", "key_val_separator", "="),
        resource("ini_setting", "bind", "path", "/etc/php.ini", "section", "mysqld",
            "setting", "bind-address", "value", "127.0.0.1", "key_val_separator", ": "));
    assertThat(events(changed)).hasSize(2);
    // `bind` reads with `:` as delimiter: `port=3307` is no key to it, so its section has
    // no key yet and the new one goes right after the header.
    assertThat(Files.readString(ini))
        .isEqualTo("[mysqld]\nbind-address: 127.0.0.1\n  port=3307\n");
  }

  /** Absent removes every line of the key and nothing else; a second run changes nothing. */
  @Test
  void ensureAbsentRemovesTheKey() throws Exception {
    Resource absent = resource("ini_setting", "php memory", "path", "/etc/php.ini",
        "section", "PHP", "setting", "memory_limit", "ensure", "absent");
    Report removed = apply(absent);
    assertThat(events(removed)).singleElement().satisfies(e -> {
      assertThat(e.getBefore()).isEqualTo("128M");
      assertThat(e.getAfter()).isEqualTo("absent");
    });
    assertThat(Files.readString(ini)).isEqualTo(PHP_INI.replace("memory_limit = 128M\n", ""));
    assertThat(events(apply(absent))).isEmpty();
  }

  /** A key written twice in its section is set on both lines, so no reader sees the old one. */
  @Test
  void setsEveryLineOfAKeyWrittenTwice() throws Exception {
    Files.writeString(ini, "[PHP]\nmemory_limit = 256M\n; override\nmemory_limit = 64M\n");
    Report report = apply(resource("ini_setting", "php memory", "path", "/etc/php.ini",
        "section", "PHP", "setting", "memory_limit", "value", "256M"));
    assertThat(events(report)).singleElement().satisfies(e ->
        assertThat(e.getBefore()).isEqualTo("256M (and another value on a later line)"));
    assertThat(Files.readString(ini))
        .isEqualTo("[PHP]\nmemory_limit = 256M\n; override\nmemory_limit = 256M\n");
  }

  /** The same key in another section is another setting. */
  @Test
  void aKeyOfTheSameNameInAnotherSectionIsLeftAlone() throws Exception {
    Files.writeString(ini, "top = 1\n[a]\nk = 1\n[b]\nk = 1\n");
    apply(resource("ini_setting", "b k", "path", "/etc/php.ini", "section", "b",
        "setting", "k", "value", "2"),
        resource("ini_setting", "top", "path", "/etc/php.ini", "section", "",
            "setting", "top", "value", "3"));
    assertThat(Files.readString(ini)).isEqualTo("top = 3\n[a]\nk = 1\n[b]\nk = 2\n");
  }

  /** A missing file is created with the section and key; the directory must exist. */
  @Test
  void createsAMissingFile() throws Exception {
    Files.delete(ini);
    apply(resource("ini_setting", "php memory", "path", "/etc/php.ini", "section", "PHP",
        "setting", "memory_limit", "value", "256M"));
    assertThat(Files.readString(ini)).isEqualTo("[PHP]\nmemory_limit = 256M\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini)))
        .isEqualTo("rw-r--r--");
  }

  /** Bad parameters fail the resource with a message naming the parameter; the file stays. */
  @Test
  void refusesASeparatorWithoutDelimiter() throws Exception {
    Report report = converge(Catalogs4Test.catalog().resource(resource("ini_setting", "x",
        "path", "/etc/php.ini", "section", "PHP", "setting", "memory_limit", "value", "1M",
        "key_val_separator", "  ")).build(), false);
    assertThat(report.toString()).contains("`key_val_separator` must contain a non-blank"
        + " delimiter");
    assertThat(Files.readString(ini)).isEqualTo(PHP_INI);
  }
}
