package dev.stead.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.RunSlot;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunScheduleTest {
  private static final Duration FIVE_MIN = Duration.ofMinutes(5);
  private static final long INTERVAL = FIVE_MIN.toMillis();
  /** A moment well into an interval: 1,000,000 intervals and 10 s. */
  private static final long T0 = 1_000_000L * INTERVAL + 10_000;
  /** A quarter into the interval: 75 s. */
  private static final Optional<RunSlot> QUARTER =
      Optional.of(RunSlot.newBuilder().setOffsetPpm(250_000).setRank(1).setNodes(4).build());

  private final RunSchedule schedule = RunSchedule.of("web01.example.com", FIVE_MIN, true);

  @Test
  void withASlotRunsStartAtTheSlotOfEachInterval() {
    long first = schedule.firstRunAt(T0, QUARTER);
    assertThat(first).isEqualTo(T0 - 10_000 + 75_000);
    assertThat(first % INTERVAL).isEqualTo(75_000);
    // A run of 40 s: the next starts one interval after the slot, not after the run.
    assertThat(schedule.nextRunAt(first, first + 40_000, QUARTER)).isEqualTo(first + INTERVAL);
  }

  @Test
  void aDaemonStartedAfterItsSlotWaitsForTheNextInterval() {
    long late = T0 + 70_000; // 80 s into the interval: the slot (75 s) has passed
    assertThat(schedule.firstRunAt(late, QUARTER)).isEqualTo(T0 - 10_000 + INTERVAL + 75_000);
  }

  @Test
  void aRunOnDemandDoesNotMoveTheCadence() {
    long slot = schedule.firstRunAt(T0, QUARTER);
    long onDemand = slot + 60_000; // a minute after the scheduled run
    assertThat(schedule.nextRunAt(onDemand, onDemand + 5_000, QUARTER))
        .isEqualTo(slot + INTERVAL);
    // Too close to the next slot: that one is skipped rather than run back to back.
    long lateOnDemand = slot + INTERVAL - 30_000;
    assertThat(schedule.nextRunAt(lateOnDemand, lateOnDemand + 5_000, QUARTER))
        .isEqualTo(slot + 2 * INTERVAL);
  }

  @Test
  void aMovedSlotNeverPutsTwoRunsBackToBack() {
    long started = schedule.firstRunAt(T0, QUARTER);
    // The master moved the slot 10 s later: the next run is at the new slot, next interval.
    Optional<RunSlot> later = Optional.of(QUARTER.get().toBuilder()
        .setOffsetPpm(250_000 + 33_333).build());
    long next = schedule.nextRunAt(started, started + 1_000, later);
    assertThat(next - started).isBetween(INTERVAL / 2, INTERVAL * 3 / 2);
    assertThat(next % INTERVAL).isEqualTo(schedule.offsetMs(later.get()));
  }

  @Test
  void aRunLongerThanTheIntervalIsFollowedByTheNextSlotAfterIt() {
    long started = schedule.firstRunAt(T0, QUARTER);
    long ended = started + INTERVAL + 20_000;
    assertThat(schedule.nextRunAt(started, ended, QUARTER)).isEqualTo(started + 2 * INTERVAL);
  }

  @Test
  void withoutASlotTheFirstRunWaitsTheSplayAndRunsKeepTheirCadence() {
    long first = schedule.firstRunAt(T0, Optional.empty());
    assertThat(first - T0).isEqualTo(Splay.of("web01.example.com", FIVE_MIN).toMillis());
    assertThat(schedule.nextRunAt(first, first + 3_000, Optional.empty()))
        .isEqualTo(first + INTERVAL);
    assertThat(schedule.nextRunAt(first, first + INTERVAL + 1, Optional.empty()))
        .isEqualTo(first + 2 * INTERVAL + 1);
  }

  @Test
  void noSplayRunsTheFirstAtOnceAndLaterOnesAtTheSlot() {
    RunSchedule now = RunSchedule.of("web01.example.com", FIVE_MIN, false);
    assertThat(now.firstRunAt(T0, QUARTER)).isEqualTo(T0);
    assertThat(now.nextRunAt(T0, T0 + 1_000, QUARTER)).isEqualTo(T0 - 10_000 + INTERVAL + 75_000);
  }
}
