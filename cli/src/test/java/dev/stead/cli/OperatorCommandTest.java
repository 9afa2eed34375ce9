package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.master.web.OperatorPasswords;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stead operator add|list|remove} on a real DATA/operators file. */
class OperatorCommandTest {
  @TempDir Path data;

  private InProcess add(String name, String password) {
    InputStream oldIn = System.in;
    try {
      System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
      return InProcess.run("operator", "add", name, "--password-stdin", "--data", data.toString());
    } finally {
      System.setIn(oldIn);
    }
  }

  @Test
  void listsTheOperatorsAndRemovesOneWhoThenCannotLogIn() {
    InProcess none = InProcess.run("operator", "list", "--data", data.toString());
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("stead operator add NAME");

    assertThat(add("alice", "correct horse battery").exitCode()).isZero();
    assertThat(add("bob", "staple battery horse").exitCode()).isZero();
    assertThat(InProcess.run("operator", "list", "--data", data.toString()).out())
        .isEqualTo("alice\nbob\n");

    InProcess removed = InProcess.run("operator", "remove", "alice", "--data", data.toString());
    assertThat(removed.exitCode()).as(removed.toString()).isZero();
    assertThat(removed.out()).contains("alice can no longer log in");
    assertThat(InProcess.run("operator", "list", "--data", data.toString()).out())
        .isEqualTo("bob\n");
    OperatorPasswords passwords = new OperatorPasswords(data);
    assertThat(passwords.verify("alice", "correct horse battery".toCharArray())).isFalse();
    assertThat(passwords.verify("bob", "staple battery horse".toCharArray())).isTrue();

    InProcess again = InProcess.run("operator", "remove", "alice", "--data", data.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).startsWith("stead operator remove: no operator named alice");
  }
}
