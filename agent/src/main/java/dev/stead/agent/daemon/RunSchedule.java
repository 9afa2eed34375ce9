package dev.stead.agent.daemon;

import dev.stead.proto.v1.RunSlot;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When the daemon's scheduled runs start, in ms since the epoch. With a run slot from the
 * master, runs start at the slot: the times {@code t} where {@code t mod interval} is the
 * slot's offset, so a fleet restarted together, or coming back after the master was away,
 * keeps the master's even spread instead of arriving at once. Without one (the first run of
 * a node, or a master that assigns no slots) the first run waits the node's {@link Splay} and
 * each run starts one interval after the one before.
 *
 * <p>A run starts at least half an interval after the one before, so a slot that moved (nodes
 * joined or left) or a run on demand never puts two scheduled runs back to back; the run after
 * one on demand is thus at the slot that follows, at most one and a half intervals later.
 * Stateless and immutable: the time and the slot come in with each question, which lets a test
 * drive a thousand daemons' schedules on a simulated clock.
 */
public final class RunSchedule {
  private final long intervalMs;
  private final long splayMs;
  private final boolean waitFirst;

  private RunSchedule(Duration interval, Duration splay, boolean waitFirst) {
    if (interval.toMillis() <= 0) {
      throw new IllegalArgumentException("interval must be at least 1 ms, got " + interval);
    }
    this.intervalMs = interval.toMillis();
    this.splayMs = splay.toMillis();
    this.waitFirst = waitFirst;
  }

  /**
   * The schedule of {@code certname}; {@code waitFirst} false ({@code --no-splay}): the first
   * run at once rather than at the slot or after the splay.
   */
  public static RunSchedule of(String certname, Duration interval, boolean waitFirst) {
    Objects.requireNonNull(certname, "certname");
    return new RunSchedule(interval, Splay.of(certname, interval), waitFirst);
  }

  /** The first run of a daemon started at {@code nowMs}. */
  public long firstRunAt(long nowMs, Optional<RunSlot> slot) {
    if (!waitFirst) {
      return nowMs;
    }
    return slot.map(s -> slotAtOrAfter(nowMs, s)).orElse(nowMs + splayMs);
  }

  /** The run after one that started at {@code startedMs}, asked at {@code nowMs} (its end). */
  public long nextRunAt(long startedMs, long nowMs, Optional<RunSlot> slot) {
    if (slot.isPresent()) {
      return slotAtOrAfter(Math.max(startedMs + intervalMs / 2, nowMs), slot.get());
    }
    long next = startedMs + intervalMs;
    return next < nowMs ? nowMs + intervalMs : next;
  }

  /** Where {@code slot} falls in this interval, in ms from the interval's start. */
  public long offsetMs(RunSlot slot) {
    return Math.min(slot.getOffsetPpm(), 999_999L) * intervalMs / 1_000_000L;
  }

  private long slotAtOrAfter(long t, RunSlot slot) {
    return t + Math.floorMod(offsetMs(slot) - t, intervalMs);
  }
}
