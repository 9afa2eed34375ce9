package dev.stead.cli;

import dev.stead.master.AdminClient;
import dev.stead.master.jobs.JobClient;
import dev.stead.proto.v1.JobEvent;
import dev.stead.proto.v1.JobNode;
import dev.stead.proto.v1.JobNodeState;
import dev.stead.proto.v1.JobStatus;
import dev.stead.proto.v1.RunJobRequest;
import dev.stead.proto.v1.RunStatus;
import dev.stead.wire.StatusWords;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "job", description = "Runs on demand: ask connected agent daemons to run now"
    + " (`stead agent trigger` is the local way).",
    subcommands = {JobCommand.Run.class, JobCommand.Status.class})
final class JobCommand {

  @Command(name = "run", description = "Ask the matching nodes' daemons for a run now, batch by"
      + " batch. A node not connected to the master is reported offline; one that does not"
      + " report in time, timed out. Exit 0 when every node reported a run that did not fail.")
  static final class Run implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Option(names = "--nodes", required = true, paramLabel = "GLOB",
        description = "Node name or glob, e.g. 'web*'.")
    String nodes;

    @Option(names = "--noop", description = "Check only: the runs change nothing.")
    boolean noop;

    @Option(names = "--batch", paramLabel = "N", description = "Nodes that run at a time; the"
        + " next batch starts when each node of this one has reported or given up"
        + " (default: 10).")
    int batch;

    @Option(names = "--timeout", converter = DurationConverter.class, description = "How long"
        + " a triggered node has to report, e.g. 90s, 5m (default: 5m).")
    Duration timeout;

    @Option(names = "--wait", description = "Show each node's result as it comes in, until"
        + " the job is done (else print the job id and leave it running on the master).")
    boolean await;

    @Override
    public Integer call() throws Exception {
      if (batch < 0) {
        throw new ParameterException(
            new CommandLine(this), "--batch must be at least 1, got " + batch);
      }
      RunJobRequest request = RunJobRequest.newBuilder().setNodes(nodes).setNoop(noop)
          .setBatch(batch).setTimeoutMs(timeout == null ? 0 : timeout.toMillis()).build();
      Map<JobNodeState, Integer> ends = new EnumMap<>(JobNodeState.class);
      int[] failedRuns = new int[1];
      PrintStream out = System.out;
      try (AdminClient client = admin.connect()) {
        JobStatus started = new JobClient(client).run(request, await, event -> {
          if (event.hasStarted()) {
            printStarted(event.getStarted(), out);
            event.getStarted().getNodeStatesList().stream()
                .filter(n -> n.getState() == JobNodeState.OFFLINE)
                .forEach(n -> ends.merge(n.getState(), 1, Integer::sum));
          } else {
            JobNode n = event.getNode();
            out.println(line(n));
            out.flush();
            if (n.getState() != JobNodeState.TRIGGERED) {
              ends.merge(n.getState(), 1, Integer::sum);
            }
            if (n.getState() == JobNodeState.REPORTED && n.getStatus() == RunStatus.FAILED_RUN) {
              failedRuns[0]++;
            }
          }
        });
        if (!await) {
          out.println("the job goes on on the master; follow it with `stead job status "
              + started.getId() + "`");
          return 0;
        }
        int reported = ends.getOrDefault(JobNodeState.REPORTED, 0);
        out.println("job " + started.getId() + " done: " + reported + " reported"
            + (failedRuns[0] > 0 ? " (" + failedRuns[0] + " failed)" : "") + ", "
            + count(ends, JobNodeState.OFFLINE) + " offline, "
            + count(ends, JobNodeState.BUSY) + " busy, "
            + count(ends, JobNodeState.DISCONNECTED) + " disconnected, "
            + count(ends, JobNodeState.TIMED_OUT) + " timed out");
        return reported == started.getNodeStatesCount() && failedRuns[0] == 0 ? 0 : 1;
      }
    }
  }

  @Command(name = "status", description = "Where each node of a job stands (any master"
      + " sharing the store answers; jobs are kept 30 days).")
  static final class Status implements Callable<Integer> {
    @Mixin AdminOptions admin;

    @Parameters(paramLabel = "ID", description = "The job id `stead job run` printed.")
    String id;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (AdminClient client = admin.connect()) {
        JobStatus status = new JobClient(client).status(id);
        if (json) {
          Json.print(System.out, status);
          return 0;
        }
        System.out.println("job " + status.getId() + " (nodes '" + status.getNodes() + "'"
            + (status.getNoop() ? ", noop" : "") + ", started "
            + Tables.time(status.getStartedAtMs()) + " by " + status.getStartedBy() + "): "
            + (status.getDone() ? "done" : "running"));
        status.getNodeStatesList().forEach(n -> System.out.println(line(n)));
      }
      return 0;
    }
  }

  private static void printStarted(JobStatus job, PrintStream out) {
    long offline = job.getNodeStatesList().stream()
        .filter(n -> n.getState() == JobNodeState.OFFLINE).count();
    int n = job.getNodeStatesCount();
    out.println("job " + job.getId() + " started: " + n + " node" + (n == 1 ? "" : "s")
        + " match '" + job.getNodes() + "' (" + (n - offline) + " connected, " + offline
        + " offline); batches of " + job.getBatch() + ", timeout "
        + human(Duration.ofMillis(job.getTimeoutMs())) + (job.getNoop() ? "; noop" : ""));
    job.getNodeStatesList().stream().filter(s -> s.getState() == JobNodeState.OFFLINE)
        .forEach(s -> out.println(line(s)));
    out.flush();
  }

  /** One node's state: name, state, then what it says. */
  static String line(JobNode n) {
    String state = n.getState().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    String says = n.getDetail();
    if (n.getState() == JobNodeState.REPORTED) {
      says = StatusWords.of(n.getStatus()) + ": changed " + n.getChanged() + ", failed "
          + n.getFailed() + ", drift " + n.getDriftEvents()
          + (n.getPending() > 0 ? ", pending " + n.getPending() : "")
          + ", report " + n.getReportId()
          + (n.getDetail().isEmpty() ? "" : " (" + n.getDetail() + ")");
    }
    return String.format(Locale.ROOT, "%-30s %-13s %s", n.getNode(), state, says).stripTrailing();
  }

  private static int count(Map<JobNodeState, Integer> ends, JobNodeState state) {
    return ends.getOrDefault(state, 0);
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    if (s == 0) {
      return d.toMillis() + " ms";
    }
    return s < 60 || s % 60 != 0 ? s + " s" : s / 60 + " min";
  }
}
