package dev.stead.agent.resource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.types.ResourceTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ResourceDocsTest {
  /** The agent module's tests run in agent/; the docs live beside it. */
  private static final Path DOCS = Path.of("..", "docs", "resources.md");

  @Test
  void docsResourcesMdIsUpToDate() throws Exception {
    String expected = ResourceDocs.render();
    if (Boolean.getBoolean("stead.docs.write")) {
      Files.writeString(DOCS, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOCS) ? Files.readString(DOCS, StandardCharsets.UTF_8) : "")
        .as("docs/resources.md is out of date; regenerate it with\n"
            + "  ./mvnw -B -q -o -pl agent test -Dtest=ResourceDocsTest -Dstead.docs.write=true"
            + " -Dsurefire.failIfNoSpecifiedTests=false")
        .isEqualTo(expected);
  }

  @Test
  void everyParameterOfEveryTypeIsDocumented() {
    String md = ResourceDocs.render();
    for (var spec : ResourceTypes.all()) {
      assertThat(md).contains("## " + spec.name() + "\n");
      spec.parameters().forEach(p -> assertThat(md).contains("| `" + p.name() + "` |"));
    }
  }
}
