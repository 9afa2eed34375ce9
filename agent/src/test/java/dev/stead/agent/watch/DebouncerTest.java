package dev.stead.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batching rules, on times passed in (no sleeping). */
class DebouncerTest {
  private static final long MS = 1_000_000L;
  private final Debouncer debouncer = new Debouncer(Duration.ofMillis(300), Duration.ofSeconds(1));
  private final Path a = Path.of("/etc/a");
  private final Path b = Path.of("/etc/b");

  @Test
  void nothingPendingIsNeverDue() {
    assertThat(debouncer.dueAtNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(debouncer.takeIfDue(Long.MAX_VALUE - 1)).isNull();
  }

  @Test
  void aBatchIsDueWhenChangesPauseForTheQuietTime() {
    debouncer.touched(a, 0);
    debouncer.touched(b, 200 * MS);
    assertThat(debouncer.takeIfDue(400 * MS)).isNull();
    assertThat(debouncer.dueAtNanos()).isEqualTo(500 * MS);
    Debouncer.Batch batch = debouncer.takeIfDue(500 * MS);
    assertThat(batch.paths()).containsExactlyInAnyOrder(a, b);
    assertThat(batch.everything()).isFalse();
    assertThat(debouncer.takeIfDue(10_000 * MS)).isNull();
  }

  @Test
  void changesWithoutPauseAreStillCheckedAfterTheLongestWait() {
    long t = 0;
    for (; t < 5_000 * MS; t += 100 * MS) { // a change every 100 ms: never quiet for 300 ms
      debouncer.touched(a, t);
      Debouncer.Batch batch = debouncer.takeIfDue(t);
      if (batch != null) {
        break;
      }
    }
    assertThat(t).isEqualTo(1_000 * MS);
  }

  @Test
  void aWriterThatNeverPausesIsCheckedLessAndLessOftenUntilItPauses() {
    List<Long> checks = new ArrayList<>();
    for (long t = 0; t <= 20_000 * MS; t += 50 * MS) { // 20 s without a pause
      debouncer.touched(a, t);
      if (debouncer.takeIfDue(t) != null) {
        checks.add(t / MS);
      }
    }
    // 1 s, then 2, 4, 8 s later (8 s is the cap: the next would be 8 s after that)
    assertThat(checks).containsExactly(1_000L, 3_050L, 7_100L, 15_150L);
    long end = 20_000 * MS;
    assertThat(debouncer.takeIfDue(end + 300 * MS)).isNotNull(); // the pause: checked
    debouncer.touched(a, end + 400 * MS);
    debouncer.touched(a, end + 600 * MS);
    debouncer.touched(a, end + 800 * MS);
    debouncer.touched(a, end + 1_000 * MS);
    debouncer.touched(a, end + 1_200 * MS);
    debouncer.touched(a, end + 1_400 * MS);
    assertThat(debouncer.takeIfDue(end + 1_400 * MS)).isNotNull(); // back to 1 s
  }

  @Test
  void anOverflowTurnsTheBatchIntoEverything() {
    debouncer.touched(a, 0);
    debouncer.overflowed(10 * MS);
    debouncer.touched(b, 20 * MS);
    Debouncer.Batch batch = debouncer.takeIfDue(320 * MS);
    assertThat(batch.everything()).isTrue();
    assertThat(batch.paths()).isEmpty();
  }

  @Test
  void tooManyDistinctPathsAlsoMeanEverything() {
    for (int i = 0; i <= Debouncer.MAX_PATHS; i++) {
      debouncer.touched(Path.of("/srv/f" + i), 0);
    }
    assertThat(debouncer.takeIfDue(300 * MS).everything()).isTrue();
  }

  @Test
  void clearForgetsWhatIsPending() {
    debouncer.touched(a, 0);
    debouncer.clear();
    assertThat(debouncer.dueAtNanos()).isEqualTo(Long.MAX_VALUE);
  }
}
