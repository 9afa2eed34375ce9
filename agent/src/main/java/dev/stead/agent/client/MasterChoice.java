package dev.stead.agent.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Which master of a {@link MasterList} an agent talks to now. It starts with the first; a
 * master that is unavailable (refused, unreachable, timed out) hands over to the next in the
 * list, and the agent stays with the one that answers (sticky), so one failover does not cost
 * every later call a timeout. After {@link #RETURN_AFTER} away from the first master, the
 * next run starts with the first again (it fails over once more if that one is still down).
 * Thread-safe.
 */
public final class MasterChoice {
  /** How long an agent stays with a later master before trying the first again. */
  public static final Duration RETURN_AFTER = Duration.ofMinutes(30);

  private final MasterList masters;
  private final Clock clock;
  private int index;
  private Instant leftFirst;

  public MasterChoice(MasterList masters, Clock clock) {
    this.masters = Objects.requireNonNull(masters, "masters");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public MasterList masters() {
    return masters;
  }

  /** The master to call now. */
  public synchronized MasterAddress current() {
    return masters.get(index);
  }

  /**
   * {@code failed} was unavailable: the next master of the list becomes current, unless
   * another call already moved on from it. Returns the master to call now.
   */
  public synchronized MasterAddress failedOver(MasterAddress failed) {
    if (masters.get(index).equals(failed)) {
      if (index == 0) {
        leftFirst = clock.instant();
      }
      index = (index + 1) % masters.size();
      if (index == 0) {
        leftFirst = null; // back on the first by going round
      }
    }
    return masters.get(index);
  }

  /** At the start of a run: back to the first master once {@link #RETURN_AFTER} has passed. */
  public synchronized void startRun() {
    if (index != 0 && leftFirst != null
        && !clock.instant().isBefore(leftFirst.plus(RETURN_AFTER))) {
      index = 0;
      leftFirst = null;
    }
  }
}
