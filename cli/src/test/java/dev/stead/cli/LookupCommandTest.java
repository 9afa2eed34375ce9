package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead lookup` as a real process: the value, the files it came from, every level searched. */
class LookupCommandTest {
  @TempDir Path tmp;

  @Test
  void explainsWhereAValueCameFrom() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("env"));
    Files.writeString(code.resolve("site.groovy"), "node('default') { }\n");
    Files.createDirectories(code.resolve("data/os"));
    Files.writeString(code.resolve("data/common.yaml"), "ntp::servers: [pool.ntp.org]\n");
    Files.writeString(code.resolve("data/os/Debian.yaml"), "ntp::servers: [deb.pool.ntp.org]\n");
    Files.writeString(tmp.resolve("facts.json"), "{\"os\": {\"family\": \"Debian\"}}");

    Cli first = Cli.run("lookup", "ntp::servers", "--node", "web01", "--code", code.toString(),
        "--facts", tmp.resolve("facts.json").toString());
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.output()).contains("[\"deb.pool.ntp.org\"]\nfrom data/os/Debian.yaml (merge first)")
        .containsPattern("per node +data/nodes/web01.yaml +no such file")
        .containsPattern("common +data/common.yaml +found: \\[\"pool.ntp.org\"]");

    Cli unique = Cli.run("lookup", "ntp::servers", "--merge", "unique", "--node", "web01",
        "--code", code.toString(), "--facts", tmp.resolve("facts.json").toString());
    assertThat(unique.output()).contains("[\"deb.pool.ntp.org\",\"pool.ntp.org\"]\n"
        + "from data/os/Debian.yaml, data/common.yaml (merge unique)");

    // without --merge, lookup_options decide, and the answer says where the strategy came from
    Files.writeString(code.resolve("data/common.yaml"), "lookup_options: {ntp::servers: {merge:"
        + " deep}}\nntp::servers: [pool.ntp.org]\n");
    Cli options = Cli.run("lookup", "ntp::servers", "--node", "web01", "--code",
        code.toString(), "--facts", tmp.resolve("facts.json").toString());
    assertThat(options.output()).contains("[\"pool.ntp.org\",\"deb.pool.ntp.org\"]\n"
        + "from data/os/Debian.yaml, data/common.yaml (merge deep, from lookup_options)");

    Cli missing = Cli.run("lookup", "nope", "--node", "web01", "--code", code.toString(),
        "--facts", tmp.resolve("facts.json").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
  }
}
