package dev.stead.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Report;
import dev.stead.wire.ResourceKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress line as a terminal receives it: the bytes written, carriage returns included. */
class TerminalProgressTest {
  private static final int WIDTH = 78;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now = 1_000_000_000L;

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String line(String text) {
    return "\r" + text + " ".repeat(WIDTH - text.length());
  }

  @Test
  void drawsALineThatIsOverwrittenInPlaceAndClearedAtTheEnd() {
    TerminalProgress progress = new TerminalProgress(out, () -> now);

    progress.starting(0, 120, ResourceKey.of("file", "/etc/motd"));
    assertThat(written()).isEqualTo(line("[  0/120] file[/etc/motd]"));

    now += 50_000_000L; // within a tenth of a second: not redrawn
    progress.starting(1, 120, ResourceKey.of("file", "/etc/hosts"));
    assertThat(written()).isEqualTo(line("[  0/120] file[/etc/motd]"));

    now += 100_000_000L;
    progress.starting(2, 120, ResourceKey.of("pkg", "nginx"));
    assertThat(written()).isEqualTo(line("[  0/120] file[/etc/motd]")
        + line("[  2/120] pkg[nginx]"));

    TerminalProgress.clear(progress);
    String cleared = line("[  0/120] file[/etc/motd]") + line("[  2/120] pkg[nginx]")
        + "\r" + " ".repeat(WIDTH) + "\r";
    assertThat(written()).isEqualTo(cleared);
    TerminalProgress.clear(progress);
    assertThat(written()).as("nothing drawn since: nothing to wipe").isEqualTo(cleared);
    assertThat(written()).doesNotContain("\n");
  }

  @Test
  void aLongKeyIsCutToTheWidth() {
    TerminalProgress progress = new TerminalProgress(out, () -> now);
    String path = "/srv/" + "x".repeat(100);
    progress.starting(3, 9, ResourceKey.of("file", path));
    String text = ("[3/9] file[" + path + "]").substring(0, WIDTH - 1) + "…";
    assertThat(written()).isEqualTo("\r" + text);
  }

  @Test
  void printsNothingWhenNotOnATerminal() {
    Progress progress = TerminalProgress.forConsole(out, false);
    assertThat(progress).isSameAs(Progress.NONE);
    progress.starting(0, 3, ResourceKey.of("file", "/a"));
    TerminalProgress.clear(progress);
    assertThat(written()).isEmpty();
  }

  /** The test JVM's output is a pipe to Maven, not a terminal: the real check says so. */
  @Test
  void theConsoleCheckSeesNoTerminalUnderTheTestRunner(@TempDir Path root,
      @TempDir Path state) {
    Progress progress = TerminalProgress.forConsole(out);
    Report r = new Converger(new ConvergeOptions(root, state, false))
        .converge(Catalogs4Test.catalog().file("/a", "content", "a").build(), progress);
    TerminalProgress.clear(progress);
    assertThat(r.getSummary().getChanged()).isEqualTo(1);
    assertThat(written()).isEmpty();
  }

  @Test
  void aRealConvergeDrawsThenWipesTheLine(@TempDir Path root, @TempDir Path state) {
    Progress progress = TerminalProgress.forConsole(out, true);
    Report r = new Converger(new ConvergeOptions(root, state, false)).converge(
        Catalogs4Test.catalog().file("/a", "content", "a").file("/b", "content", "b").build(),
        progress);
    TerminalProgress.clear(progress);
    assertThat(r.getSummary().getChanged()).isEqualTo(2);
    // The first resource is always drawn; later ones only if a tenth of a second went by.
    assertThat(written()).startsWith(line("[0/2] file[/a]"))
        .endsWith("\r" + " ".repeat(WIDTH) + "\r")
        .doesNotContain("\n");
  }
}
