package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `stead compile` as a real process: canonical JSON, identical across JVMs. */
class CompileCommandTest {
  @TempDir Path tmp;

  @Test
  void printsTheSameCanonicalCatalogInTwoJvmsWhateverTheFactsOrder() throws Exception {
    Path code = Files.createDirectories(tmp.resolve("env"));
    Files.writeString(code.resolve("site.groovy"), """
        node('web1.test') {
            file('/etc/os') { content "family=${facts.os.family} cpus=${facts.processors.count}\\n" }
        }
        """);
    Files.writeString(tmp.resolve("a.json"),
        "{\"os\": {\"family\": \"Debian\", \"name\": \"Debian\"}, \"processors\": {\"count\": 4}}");
    Files.writeString(tmp.resolve("b.json"),
        "{\"processors\": {\"count\": 4}, \"os\": {\"name\": \"Debian\", \"family\": \"Debian\"}}");

    Cli a = Cli.run("compile", "--node", "web1.test", "--code", code.toString(),
        "--facts", tmp.resolve("a.json").toString());
    Cli b = Cli.run("compile", "--node", "web1.test", "--code", code.toString(),
        "--facts", tmp.resolve("b.json").toString());
    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(a.output()).contains("family=Debian cpus=4").contains("\"digest\": \"sha256:");
    assertThat(b.output()).isEqualTo(a.output());
  }
}
