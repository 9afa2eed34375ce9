package dev.stead.agent.resource.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.Catalogs4Test;
import dev.stead.agent.ConvergeOptions;
import dev.stead.agent.Converger;
import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.Report;
import dev.stead.wire.SourceFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replace: false}: a file is created with its content, then its content is the user's. */
class FileReplaceTest {
  @TempDir Path root;
  @TempDir Path state;

  private static Catalog seed() {
    return Catalogs4Test.catalog().file("/app.conf", "content", "default\n", "replace", false,
        "mode", "0640").build();
  }

  @Test
  void createsTheFileWhenMissing() throws IOException {
    Report r = converge(seed());

    assertThat(Files.readString(root.resolve("app.conf"))).isEqualTo("default\n");
    assertThat(events(r)).extracting(Event::getProperty).contains("ensure", "content", "mode");
    Report again = converge(seed());
    assertThat(again.getSummary().getChanged()).isZero();
    assertThat(events(again)).isEmpty();
  }

  @Test
  void neverOverwritesExistingContentNorReportsItAsDrift() throws IOException {
    converge(seed());
    Files.writeString(root.resolve("app.conf"), "edited by hand\n");

    Report r = converge(seed());

    assertThat(Files.readString(root.resolve("app.conf"))).isEqualTo("edited by hand\n");
    assertThat(r.getSummary().getChanged()).isZero();
    assertThat(events(r)).as("in sync: no event, no drift").isEmpty();
    assertThat(r.getSummary().getDriftEvents()).isZero();
  }

  @Test
  void modeIsStillManaged() throws IOException {
    Files.writeString(root.resolve("app.conf"), "theirs\n");
    Files.setPosixFilePermissions(root.resolve("app.conf"),
        PosixFilePermissions.fromString("rw-rw-rw-"));

    Report r = converge(seed());

    assertThat(events(r)).extracting(Event::getProperty).containsExactly("mode");
    assertThat(Files.readString(root.resolve("app.conf"))).isEqualTo("theirs\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        root.resolve("app.conf")))).isEqualTo("rw-r-----");
  }

  @Test
  void aSourcedFileIsCreatedOnceAndThenNeverFetchedAgain() throws IOException {
    byte[] seed = "from the module\n".getBytes(StandardCharsets.UTF_8);
    AtomicInteger fetches = new AtomicInteger();
    FileSource files = (source, checksum, out) -> {
      fetches.incrementAndGet();
      out.write(seed);
    };
    Catalog catalog = Catalogs4Test.catalog().file("/app.conf", "source", "app/app.conf",
        "checksum", SourceFiles.checksum(seed), "replace", false).build();

    new Converger(new ConvergeOptions(root, state, false), files).converge(catalog);
    assertThat(Files.readAllBytes(root.resolve("app.conf"))).isEqualTo(seed);
    Files.writeString(root.resolve("app.conf"), "edited by hand\n");

    Report r = new Converger(new ConvergeOptions(root, state, false), files).converge(catalog);

    assertThat(events(r)).isEmpty();
    assertThat(fetches).hasValue(1);
    assertThat(Files.readString(root.resolve("app.conf"))).isEqualTo("edited by hand\n");
  }

  @Test
  void anExistingLinkIsKeptAsPuppetDoes() throws IOException {
    Files.writeString(root.resolve("real.conf"), "real\n");
    Files.createSymbolicLink(root.resolve("app.conf"), Path.of("real.conf"));

    Report r = converge(Catalogs4Test.catalog().file("/app.conf", "content", "default\n",
        "replace", false).build());

    assertThat(events(r)).isEmpty();
    assertThat(Files.isSymbolicLink(root.resolve("app.conf"))).isTrue();
    assertThat(Files.readString(root.resolve("real.conf"))).isEqualTo("real\n");
  }

  @Test
  void replaceTrueIsTheDefault() throws IOException {
    Files.writeString(root.resolve("app.conf"), "theirs\n");

    converge(Catalogs4Test.catalog().file("/app.conf", "content", "ours\n").build());

    assertThat(Files.readString(root.resolve("app.conf"))).isEqualTo("ours\n");
  }

  private Report converge(Catalog catalog) {
    return new Converger(new ConvergeOptions(root, state, false)).converge(catalog);
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }
}
