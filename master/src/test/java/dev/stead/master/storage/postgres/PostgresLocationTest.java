package dev.stead.master.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the store is and how the master logs in: parsed strictly, secrets never in a URI. */
class PostgresLocationTest {
  @TempDir Path dir;

  @Test
  void parsesHostPortAndDatabase() {
    assertThat(PostgresLocation.parse("postgresql://db.example:6543/stead", "--store"))
        .isEqualTo(new PostgresLocation("db.example", 6543, "stead"));
    assertThat(PostgresLocation.parse("postgresql://db/stead", "--store").port())
        .isEqualTo(5432);
    assertThat(PostgresLocation.parse("postgresql://[::1]:5433/stead", "--store").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5433/stead");
  }

  @Test
  void refusesAPasswordInTheUriAndMalformedLocations() {
    assertThatThrownBy(() -> PostgresLocation.parse("postgresql://u:secret@db/stead", "--store"))
        .hasMessageContaining("must not hold a user or password")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> PostgresLocation.parse("mysql://db/stead", "--store"))
        .hasMessageContaining("postgresql://HOST:PORT/DB");
    assertThatThrownBy(() -> PostgresLocation.parse("postgresql://db:5432/", "--store"))
        .hasMessageContaining("needs a host and a database");
    assertThatThrownBy(() -> PostgresLocation.parse("postgresql://db/a?ssl=true", "store"))
        .hasMessageContaining("takes no parameters");
    assertThatThrownBy(() -> PostgresLocation.parse("postgresql://db/a;drop", "--store"))
        .hasMessageContaining("database name");
  }

  @Test
  void credentialsComeFromAPrivateFileOrTheEnvironment() throws Exception {
    Path file = dir.resolve("store.credentials");
    Files.writeString(file, "# the master's login\nuser = stead\npassword = s3cret = yes\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    PostgresCredentials read = PostgresCredentials.read(file);
    assertThat(read).isEqualTo(new PostgresCredentials("stead", "s3cret = yes"));
    assertThat(read.toString()).doesNotContain("s3cret");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> PostgresCredentials.read(file)).hasMessageContaining("chmod 600");

    Files.writeString(file, "user = stead\npasword = typo\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> PostgresCredentials.read(file))
        .hasMessageContaining(file + ":2: expected `user = NAME`");

    assertThat(PostgresCredentials.fromEnvironment(Map.of("PGUSER", "m", "PGPASSWORD", "p")))
        .isEqualTo(new PostgresCredentials("m", "p"));
  }
}
