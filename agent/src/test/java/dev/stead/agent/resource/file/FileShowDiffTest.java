package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code show_diff: false}: content changes reach the report as digests only. */
class FileShowDiffTest {
  @TempDir Path root;
  @TempDir Path state;

  @Test
  void withoutShowDiffOnlyDigestsReachTheReport() throws IOException {
    Files.writeString(root.resolve("token"), "old-secret-value\n");

    Report r = converge(Catalogs4Test.catalog().file("/token", "content", "new-secret-value\n",
        "show_diff", false).build(), false);

    Event content = r.getResources(0).getEvents(0);
    assertThat(content.getProperty()).isEqualTo("content");
    assertThat(content.getBefore()).startsWith("sha256:");
    assertThat(content.getAfter()).startsWith("sha256:");
    assertThat(content.getDiff()).isEmpty();
    assertThat(r.toString()).doesNotContain("secret-value");
    assertThat(Files.readString(root.resolve("token"))).isEqualTo("new-secret-value\n");
  }

  @Test
  void aNewFileAndANoopRunCarryNoDiffEither() throws IOException {
    Catalog catalog = Catalogs4Test.catalog().file("/token", "content", "new-secret-value\n",
        "show_diff", false).build();

    assertThat(converge(catalog, true).toString()).doesNotContain("secret-value");
    assertThat(converge(catalog, false).toString()).doesNotContain("secret-value");
  }

  @Test
  void byDefaultTheDiffIsShown() throws IOException {
    Files.writeString(root.resolve("motd"), "old\n");

    Report r = converge(Catalogs4Test.catalog().file("/motd", "content", "new\n").build(), false);

    assertThat(r.getResources(0).getEvents(0).getDiff()).contains("-old").contains("+new");
  }

  private Report converge(Catalog catalog, boolean noop) {
    return new Converger(new ConvergeOptions(root, state, noop)).converge(catalog);
  }
}
