package dev.stead.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import groovy.json.JsonOutput;
import groovy.json.JsonSlurper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Stead's lookups against Puppet 7's on the same data: {@code src/test/resources/hiera-golden}
 * holds an environment, the facts, the cases and {@code goldens.tsv}, which
 * {@code make-goldens.sh} made with {@code puppet lookup} (so this test needs no Puppet).
 * Each case looks a key up with one merge strategy (or none: lookup_options decide) and must
 * give Puppet's value as the same JSON, key order included, or fail where Puppet fails.
 */
class HieraGoldenTest {
  private static final String NODE = "web01.example.com";

  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> steadLooksUpWhatPuppetLooksUp() throws Exception {
    Path golden = resource("hiera-golden");
    copy(golden.resolve("env"), dir);
    Files.writeString(dir.resolve("site.groovy"), "node('default') { }\n");
    Compiler compiler = Compiler.forEnvironment(dir, List.of());
    assertThat(compiler.warnings()).isEmpty();
    @SuppressWarnings("unchecked")
    Map<String, Object> facts =
        (Map<String, Object>) new Yaml().load(Files.readString(golden.resolve("facts.yaml")));
    List<String[]> cases = Files.readAllLines(golden.resolve("goldens.tsv")).stream()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("\t")).toList();
    assertThat(cases).hasSizeGreaterThan(50);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c[0] + " " + c[1], () -> {
      MergeStrategy strategy = c[0].equals("default") ? null
          : MergeStrategy.parse(c[0]).orElseThrow();
      if (c[2].equals("ERROR")) {
        Throwable thrown = catchThrowable(() -> {
          LookupExplanation e = compiler.explainLookup(c[1], strategy, NODE,
              Code.facts(facts), Trusted.of(NODE));
          assertThat(e.found()).as("Puppet: " + c[3]).isFalse();
        });
        if (thrown != null) {
          assertThat(thrown).as("Puppet: " + c[3]).isInstanceOf(CompileException.class);
        }
        return;
      }
      LookupExplanation e = compiler.explainLookup(c[1], strategy, NODE, Code.facts(facts),
          Trusted.of(NODE));
      assertThat(e.found()).as(c[1] + " found").isTrue();
      assertThat(JsonOutput.toJson(e.value().orElse(null)))
          .isEqualTo(JsonOutput.toJson(new JsonSlurper().parseText(c[2])));
    }));
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(HieraGoldenTest.class.getResource("/" + name).toURI());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
