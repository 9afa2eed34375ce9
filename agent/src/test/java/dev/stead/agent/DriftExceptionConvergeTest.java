package dev.stead.agent;

import static dev.stead.agent.Catalogs4Test.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.ChangeKind;
import dev.stead.proto.v1.Event;
import dev.stead.proto.v1.EventStatus;
import dev.stead.proto.v1.PropertyException;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.Catalogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog's drift exceptions on a real file: the excepted property is observed and
 * reported as excepted, not repaired, while the rest of the resource is enforced; once the
 * expiry has passed (on the agent's clock, with the same catalog) it is repaired as drift.
 */
class DriftExceptionConvergeTest {
  @TempDir Path root;
  @TempDir Path state;

  private Report apply(Catalog c) {
    return new Converger(new ConvergeOptions(root, state, false)).converge(c);
  }

  private Report noop(Catalog c) {
    return new Converger(new ConvergeOptions(root, state, true)).converge(c);
  }

  private Path motdFile() {
    return root.resolve("etc/motd");
  }

  private static Catalog motd(PropertyException... exceptions) {
    Catalog plain = catalog()
        .file("/etc", "ensure", "directory")
        .file("/etc/motd", "content", "hello\n", "mode", "0644")
        .build();
    return Catalogs.seal(plain.toBuilder().addAllExceptions(List.of(exceptions)).build());
  }

  private static PropertyException content(long expiresAtMs) {
    return PropertyException.newBuilder().setResource("file[/etc/motd]").setProperty("content")
        .setExpiresAtMs(expiresAtMs).setId("ex-0123456789ab").build();
  }

  private static List<Event> events(Report r) {
    return r.getResourcesList().stream().flatMap(x -> x.getEventsList().stream()).toList();
  }

  private void tamper() throws IOException {
    Files.writeString(motdFile(), "by hand\n");
    Files.setPosixFilePermissions(motdFile(), PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  @Test
  void anExceptedPropertyIsReportedNotRepairedWhileTheRestIsEnforced() throws IOException {
    apply(motd());
    tamper();
    Catalog excepted = motd(content(System.currentTimeMillis() + 3_600_000));

    Report r = apply(excepted);

    assertThat(Files.readString(motdFile())).isEqualTo("by hand\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(motdFile())))
        .isEqualTo("rw-r--r--");
    Event held = events(r).stream().filter(e -> e.getProperty().equals("content"))
        .findFirst().orElseThrow();
    assertThat(held.getStatus()).isEqualTo(EventStatus.EXCEPTED);
    assertThat(held.getKind()).isEqualTo(ChangeKind.DRIFT);
    assertThat(held.getExceptionId()).isEqualTo("ex-0123456789ab");
    assertThat(held.getDiff()).contains("-by hand").contains("+hello");
    Event mode = events(r).stream().filter(e -> e.getProperty().equals("mode"))
        .findFirst().orElseThrow();
    assertThat(mode.getStatus()).isEqualTo(EventStatus.APPLIED);
    assertThat(r.getSummary().getDriftEvents()).isEqualTo(1);
    assertThat(r.getSummary().getExceptedEvents()).isEqualTo(1);
    assertThat(print(r)).contains("(excepted by ex-0123456789ab, not repaired)")
        .contains("1 excepted");

    // The next run sees the same drift, still held back, still drift (not "intended").
    Report again = apply(excepted);
    assertThat(again.getStatus()).isEqualTo(RunStatus.UNCHANGED);
    assertThat(again.getSummary().getDriftEvents()).isZero();
    assertThat(events(again)).singleElement().satisfies(e -> {
      assertThat(e.getStatus()).isEqualTo(EventStatus.EXCEPTED);
      assertThat(e.getKind()).isEqualTo(ChangeKind.DRIFT);
    });
    assertThat(Files.readString(motdFile())).isEqualTo("by hand\n");
  }

  @Test
  void pastItsExpiryTheSameCatalogRepairsTheDrift() throws IOException {
    apply(motd());
    tamper();
    long soon = System.currentTimeMillis() + 1_500;
    Catalog excepted = motd(content(soon));
    apply(excepted);
    assertThat(Files.readString(motdFile())).isEqualTo("by hand\n");
    while (System.currentTimeMillis() <= soon) {
      sleep(50);
    }

    Report r = apply(excepted);

    assertThat(Files.readString(motdFile())).isEqualTo("hello\n");
    assertThat(events(r)).singleElement().satisfies(e -> {
      assertThat(e.getProperty()).isEqualTo("content");
      assertThat(e.getStatus()).isEqualTo(EventStatus.APPLIED);
      assertThat(e.getKind()).isEqualTo(ChangeKind.DRIFT);
    });
    assertThat(r.getSummary().getExceptedEvents()).isZero();
  }

  @Test
  void aNoopRunHoldsBackTheExceptedPropertyAndLeavesTheRestPending() throws IOException {
    apply(motd());
    tamper();

    Report r = noop(motd(content(System.currentTimeMillis() + 3_600_000)));

    assertThat(events(r)).extracting(Event::getProperty, Event::getStatus)
        .containsExactlyInAnyOrder(
            Tuple.tuple("content", EventStatus.EXCEPTED),
            Tuple.tuple("mode", EventStatus.NOOP));
    assertThat(Files.readString(motdFile())).isEqualTo("by hand\n");
    assertThat(r.getSummary().getOutOfSync()).isEqualTo(1);
  }

  @Test
  void anExceptionOnAnInSyncPropertyChangesNothing() throws IOException {
    apply(motd());

    Report r = apply(motd(content(System.currentTimeMillis() + 3_600_000)));

    assertThat(r.getResourcesList()).isEmpty();
    assertThat(r.getStatus()).isEqualTo(RunStatus.UNCHANGED);
  }

  @Test
  void anExceptedEnsureHoldsBackTheWholeFileRatherThanRecreatingItByDefault()
      throws IOException {
    apply(motd());
    Files.delete(motdFile());
    PropertyException ensure = PropertyException.newBuilder().setResource("file[/etc/motd]")
        .setProperty("ensure").setExpiresAtMs(System.currentTimeMillis() + 3_600_000)
        .setId("ex-00000000000e").build();

    Report r = apply(motd(ensure));

    assertThat(Files.exists(motdFile())).isFalse();
    assertThat(events(r)).isNotEmpty().allSatisfy(e -> {
      assertThat(e.getStatus()).isEqualTo(EventStatus.EXCEPTED);
      assertThat(e.getExceptionId()).isEqualTo("ex-00000000000e");
    });
    assertThat(events(r)).extracting(Event::getProperty).contains("ensure", "content");
    assertThat(r.getStatus()).isEqualTo(RunStatus.UNCHANGED);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String print(Report r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReportPrinter.print(r, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
