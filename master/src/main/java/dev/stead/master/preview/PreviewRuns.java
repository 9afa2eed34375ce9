package dev.stead.master.preview;

import dev.stead.proto.v1.NodePreview;
import dev.stead.proto.v1.NodePreviewOutcome;
import dev.stead.proto.v1.PreviewEvent;
import dev.stead.proto.v1.PreviewSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Previews started from the dashboard: one at a time, in the background, the latest kept in
 * memory to be shown (a restart forgets it). Of each run it keeps the nodes that change, fail
 * or lack facts, at most {@link #SHOWN} of them (the summary counts them all); unchanged nodes
 * only count. Thread-safe.
 */
public final class PreviewRuns implements AutoCloseable {
  /** Nodes kept per run to be shown; a larger fleet's preview is for `stead preview --json`. */
  public static final int SHOWN = 500;
  private static final Logger LOG = Logger.getLogger(PreviewRuns.class.getName());

  private final FleetPreview preview;
  private final Clock clock;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "stead-dashboard-preview");
    t.setDaemon(true);
    return t;
  });
  private Run latest;

  public PreviewRuns(FleetPreview preview, Clock clock) {
    this.preview = Objects.requireNonNull(preview, "preview");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Where a run stands. */
  public enum State { RUNNING, DONE, FAILED }

  /**
   * One run as it stands: what was previewed, by whom, the nodes kept so far (in name order),
   * how many nodes have been previewed, and at its end the summary or why it failed.
   */
  public record Run(String what, String startedBy, long startedAtMs, State state,
      List<NodePreview> shown, int previewed, Optional<PreviewSummary> summary, String error) {
    public Run {
      shown = List.copyOf(shown);
    }
  }

  /**
   * Starts previewing {@code target} in the background.
   *
   * @throws IllegalStateException when a preview is running (the message says which)
   * @throws IllegalArgumentException when the target is not usable (checked as it starts)
   */
  public synchronized Run start(PreviewTarget target, String startedBy) {
    if (latest != null && latest.state() == State.RUNNING) {
      throw new IllegalStateException("a preview of " + latest.what() + " started by "
          + latest.startedBy() + " is running; wait for it to end");
    }
    preview.check(target);
    latest = new Run(target.describe(), startedBy, clock.millis(), State.RUNNING, List.of(), 0,
        Optional.empty(), "");
    Run started = latest;
    worker.execute(() -> run(target, started));
    return started;
  }

  /** The latest run, running or ended; empty before the first. */
  public synchronized Optional<Run> latest() {
    return Optional.ofNullable(latest);
  }

  private void run(PreviewTarget target, Run started) {
    try {
      PreviewSummary summary = preview.run(target, "", this::add, () -> false);
      end(State.DONE, Optional.of(summary), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end(State.FAILED, Optional.empty(), "the master is stopping");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the dashboard's preview of " + started.what() + " failed", e);
      end(State.FAILED, Optional.empty(), String.valueOf(e.getMessage()));
    }
  }

  private synchronized void add(PreviewEvent event) {
    if (!event.hasNode()) {
      return;
    }
    List<NodePreview> shown = latest.shown();
    if (event.getNode().getOutcome() != NodePreviewOutcome.PREVIEW_UNCHANGED
        && shown.size() < SHOWN) {
      shown = new ArrayList<>(shown);
      shown.add(event.getNode());
    }
    latest = new Run(latest.what(), latest.startedBy(), latest.startedAtMs(), State.RUNNING,
        shown, latest.previewed() + 1, Optional.empty(), "");
  }

  private synchronized void end(State state, Optional<PreviewSummary> summary, String error) {
    latest = new Run(latest.what(), latest.startedBy(), latest.startedAtMs(), state,
        latest.shown(), latest.previewed(), summary, error);
    LOG.info(() -> "dashboard preview of " + latest.what() + " by " + latest.startedBy()
        + " ended: " + state.name().toLowerCase(java.util.Locale.ROOT)
        + summary.map(s -> ", " + s.getNodes() + " nodes, " + s.getChanged() + " change, "
            + s.getFailed() + " fail to compile").orElse(error.isEmpty() ? "" : ": " + error));
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
