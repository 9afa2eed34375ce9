package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.rollout.RolloutClient;
import dev.stead.master.rollout.RolloutProgress;
import dev.stead.master.rollout.Rollouts;
import dev.stead.proto.v1.Rollout;
import dev.stead.proto.v1.RolloutFailure;
import dev.stead.proto.v1.RolloutStatusResponse;
import dev.stead.proto.v1.RolloutWave;
import dev.stead.proto.v1.StartRolloutRequest;
import dev.stead.wire.Catalogs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(name = "rollout", description = "Staged rollout: serve new code to a canary share of"
    + " an environment's nodes, then widen it wave by wave while the failures stay under a"
    + " limit.",
    subcommands = {RolloutCommand.Start.class, RolloutCommand.Status.class,
        RolloutCommand.Pause.class, RolloutCommand.Resume.class, RolloutCommand.Abort.class})
final class RolloutCommand {

  @Command(name = "start", description = {
      "Freeze DIR (a directory on the master's machine) as the environment's new code and"
          + " serve it to a stable random canary share of its nodes; the others keep the"
          + " current code. A wave ends when 90% of its nodes reported or at the wave"
          + " timeout; the next starts while the wave's failed share (failed runs, compile"
          + " failures, no report in time) is at most --max-failures, else the rollout halts."
          + " When every node runs the new code, the environment serves it."})
  static final class Start implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--environment", paramLabel = "NAME", description = "The environment to"
        + " roll out to (default: production).")
    String environment = "production";

    @Option(names = "--code", required = true, paramLabel = "DIR", description = "The new"
        + " code (site.groovy, modules/, data/), copied by the master at start.")
    Path code;

    @Option(names = "--canary", paramLabel = "PERCENT", converter = Percent.class,
        description = "Share of the nodes in the first wave, e.g. 5% (default: 5%).")
    double canary = 5;

    @Option(names = "--step", paramLabel = "PERCENT", converter = Percent.class,
        description = "How much each further wave widens it (default: 25%).")
    double step = 25;

    @Option(names = "--max-failures", paramLabel = "PERCENT", converter = Percent.class,
        description = "The most a wave's failed nodes may be of it for the next wave to"
            + " start (default: 0%).")
    double maxFailures = 0;

    @Option(names = "--wave-timeout", paramLabel = "DURATION",
        converter = DurationConverter.class, description = "How long a wave waits for its"
            + " nodes' reports, e.g. 90s, 20m (default: 10m, two of the agent's default"
            + " run intervals).")
    Duration waveTimeout;

    @Override
    public Integer call() throws Exception {
      StartRolloutRequest request = StartRolloutRequest.newBuilder()
          .setEnvironment(environment)
          .setCodeDirectory(code.toAbsolutePath().normalize().toString())
          .setCanaryPercent(canary).setStepPercent(step).setMaxFailuresPercent(maxFailures)
          .setWaveTimeoutMs(waveTimeout == null ? 0 : waveTimeout.toMillis()).build();
      try (AdminClient client = admin.connect()) {
        print(new RolloutClient(client).start(request), System.out);
      }
      return 0;
    }
  }

  @Command(name = "status", description = "Show the newest rollout of each environment (or"
      + " of one): its waves, their nodes' results, and why it halted.")
  static final class Status implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--environment", paramLabel = "NAME", description = "Only this"
        + " environment.")
    String environment = "";

    @Option(names = "--json", description = "Print JSON (every field present).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<Rollout> rollouts;
      try (AdminClient client = admin.connect()) {
        rollouts = new RolloutClient(client).status(environment);
      }
      if (json) {
        Json.print(System.out, RolloutStatusResponse.newBuilder().addAllRollouts(rollouts));
      } else if (rollouts.isEmpty()) {
        System.out.println("no rollouts" + (environment.isEmpty() ? ""
            : " of " + environment));
      } else {
        for (Rollout r : rollouts) {
          print(r, System.out);
        }
      }
      return 0;
    }
  }

  @Command(name = "pause", description = "Stop widening the environment's rollout; the"
      + " nodes in its waves keep the new code.")
  static final class Pause extends Action {
    @Override
    Rollout act(RolloutClient client) throws Exception {
      return client.pause(environment);
    }
  }

  @Command(name = "resume", description = "Go on with a paused or halted rollout: the open"
      + " wave goes on, or the next wave starts.")
  static final class Resume extends Action {
    @Override
    Rollout act(RolloutClient client) throws Exception {
      return client.resume(environment);
    }
  }

  @Command(name = "abort", description = "End the environment's rollout and put every node"
      + " back on the previous code at its next run.")
  static final class Abort extends Action {
    @Override
    Rollout act(RolloutClient client) throws Exception {
      return client.abort(environment);
    }
  }

  abstract static class Action implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--environment", paramLabel = "NAME", description = "The environment"
        + " whose rollout to act on (default: production).")
    String environment = "production";

    abstract Rollout act(RolloutClient client) throws Exception;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        print(act(new RolloutClient(client)), System.out);
      }
      return 0;
    }
  }

  /** {@code 5%}, {@code 5} or {@code 2.5%}. */
  static final class Percent implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      String number = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
      try {
        return Double.parseDouble(number.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a percentage (e.g. 5%)");
      }
    }
  }

  static void print(Rollout r, PrintStream out) {
    int onNew = r.getWavesList().stream().mapToInt(RolloutWave::getSucceededCount).sum();
    out.println("rollout " + r.getId() + " of " + r.getEnvironment() + ": "
        + Rollouts.phase(r.getPhase()));
    out.println("  code      " + r.getCodeDirectory() + ", frozen as "
        + Catalogs.shortDigest(r.getCodeVersion()) + " in " + r.getReleaseDirectory());
    out.println("  waves     canary " + RolloutProgress.percent(r.getCanaryPercent())
        + "%, step " + RolloutProgress.percent(r.getStepPercent()) + "%, max failures "
        + RolloutProgress.percent(r.getMaxFailuresPercent()) + "%, wave timeout "
        + RolloutProgress.duration(r.getWaveTimeoutMs()));
    out.println("  nodes     " + onNew + " of " + r.getEnvironmentNodes()
        + " reported on the new code");
    for (RolloutWave w : r.getWavesList()) {
      int waiting = w.getNodesCount() - w.getSucceededCount() - w.getFailuresCount();
      String when = w.getEndedAtMs() > 0 ? "ended " + time(w.getEndedAtMs())
          : "waiting until " + time(w.getStartedAtMs() + r.getWaveTimeoutMs());
      out.println("  wave " + w.getNumber() + (w.getNumber() == 1 ? " (canary)" : "") + ": "
          + w.getNodesCount() + " node" + (w.getNodesCount() == 1 ? "" : "s") + ", "
          + w.getSucceededCount() + " succeeded, " + w.getFailuresCount() + " failed"
          + (w.getEndedAtMs() > 0 ? "" : ", " + waiting + " to report") + "; " + when);
      for (RolloutFailure f : w.getFailuresList()) {
        out.println("    " + f.getNode() + ": " + f.getReason());
      }
    }
    Rollouts.supersededNote(r).ifPresent(note -> out.println("  served    " + note));
    if (!r.getHaltReason().isEmpty()) {
      out.println("  halted    " + r.getHaltReason());
      out.println("  next      stead rollout resume (go on) or stead rollout abort (every"
          + " node back on the previous code)");
    }
  }

  private static String time(long ms) {
    return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
