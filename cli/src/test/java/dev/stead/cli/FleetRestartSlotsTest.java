package dev.stead.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.agent.daemon.RunSchedule;
import dev.stead.agent.daemon.SlotFile;
import dev.stead.master.schedule.SlotTable;
import dev.stead.proto.v1.RunSlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of 1,000 daemons at a 60 s interval, restarted together (a reboot wave, a package
 * upgrade), on a simulated clock: the agents' own schedule ({@link RunSchedule}) and slot file
 * ({@link SlotFile}), with slots from the master's own {@link SlotTable}. Over the next two
 * minutes the runs reaching the master per 5 s stay within 1.5 times the mean.
 */
class FleetRestartSlotsTest {
  private static final int AGENTS = 1_000;
  private static final Duration INTERVAL = Duration.ofSeconds(60);
  private static final long BUCKET_MS = 5_000;
  private static final long WINDOW_MS = 120_000;
  /** An arbitrary moment, not at an interval's start. */
  private static final long RESTART = 1_780_000_000_000L + 23_456;
  @TempDir Path tmp;

  private static List<String> names() {
    return IntStream.range(0, AGENTS).mapToObj(i -> String.format("node%04d.example.com", i))
        .toList();
  }

  /** One simulated daemon: its next run and the slot it runs at. */
  private static final class Agent {
    final String name;
    final RunSchedule schedule;
    Optional<RunSlot> slot;
    long next;

    Agent(String name, RunSchedule schedule, Optional<RunSlot> slot) {
      this.name = name;
      this.schedule = schedule;
      this.slot = slot;
    }
  }

  /**
   * Runs the fleet from {@link #RESTART} for two minutes; each run asks {@code master} (null:
   * no slot in the answer) and takes 1 to 10 s. Returns the runs started per 5 s.
   */
  private static int[] arrivals(List<Agent> fleet, SlotTable master) {
    Random random = new Random(42);
    PriorityQueue<Agent> due = new PriorityQueue<>((a, b) -> Long.compare(a.next, b.next));
    for (Agent agent : fleet) {
      // The processes come up within 3 s of each other.
      long started = RESTART + random.nextInt(3_000);
      agent.next = agent.schedule.firstRunAt(started, agent.slot);
      due.add(agent);
    }
    int[] buckets = new int[(int) (WINDOW_MS / BUCKET_MS)];
    while (due.peek().next < RESTART + WINDOW_MS) {
      Agent agent = due.poll();
      long start = agent.next;
      buckets[(int) ((start - RESTART) / BUCKET_MS)]++;
      if (master != null) {
        agent.slot = Optional.of(master.slotOf(agent.name)); // with the catalog answer
      }
      long end = start + 1_000 + random.nextInt(9_000);
      agent.next = agent.schedule.nextRunAt(start, end, agent.slot);
      due.add(agent);
    }
    return buckets;
  }

  private static double mean(int[] buckets) {
    return IntStream.of(buckets).sum() / (double) buckets.length;
  }

  private static boolean within(int[] buckets, double factor) {
    double mean = mean(buckets);
    return IntStream.of(buckets).allMatch(n -> n <= factor * mean && n >= mean / factor);
  }

  @Test
  void daemonsRestartedTogetherComeBackInTheirSlots() throws Exception {
    // Before the restart: each agent kept the slot the master gave it with its last catalog.
    SlotTable master = SlotTable.of(names());
    List<Agent> fleet = new ArrayList<>();
    for (String name : names()) {
      Path state = Files.createDirectories(tmp.resolve(name));
      // The bytes SlotFile.write leaves (a thousand synced renames would only slow the test).
      Files.write(SlotFile.in(state), master.slotOf(name).toByteArray());
    }
    // The restart: each daemon reads its slot back; the master (restarted too) rebuilds its
    // table from the same node list.
    for (String name : names()) {
      fleet.add(new Agent(name, RunSchedule.of(name, INTERVAL, true),
          SlotFile.read(tmp.resolve(name))));
    }
    int[] buckets = arrivals(fleet, SlotTable.of(names()));
    System.out.println("runs per 5 s after the restart: " + java.util.Arrays.toString(buckets));

    assertThat(IntStream.of(buckets).sum()).isBetween(2 * AGENTS - 50, 2 * AGENTS + 50);
    double mean = mean(buckets);
    assertThat(IntStream.of(buckets).max().orElseThrow()).isLessThanOrEqualTo((int) (1.5 * mean));
    assertThat(IntStream.of(buckets).min().orElseThrow()).isGreaterThanOrEqualTo(
        (int) Math.ceil(mean / 1.5));
  }

  @Test
  void withoutSlotsOrSplayTheSameFleetArrivesAtOnce() {
    // What the measure catches: every daemon's first run at its start.
    List<Agent> fleet = names().stream()
        .map(n -> new Agent(n, RunSchedule.of(n, INTERVAL, false), Optional.empty())).toList();
    int[] buckets = arrivals(fleet, null);
    assertThat(buckets[0]).isEqualTo(AGENTS);
    assertThat(within(buckets, 1.5)).isFalse();
  }
}
