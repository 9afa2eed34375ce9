package dev.stead.agent.report;

import dev.stead.agent.client.Failover;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ReportServiceGrpc;
import dev.stead.proto.v1.SubmitReportRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Gets a run's reports to the master without losing one: each report is written to the
 * {@link ReportSpool} before it is sent and deleted only once the master acknowledged it, so
 * a report whose acknowledgement was lost (the master died after storing it, the agent was
 * killed mid-send) is sent again by the next run; the master stores reports by id and keeps
 * one copy. What earlier runs kept goes first ({@link #deliverSpooled}). Tells {@code err}
 * one line for each report kept for later. One agent run at a time (the run lock).
 */
public final class ReportDelivery {
  private static final long RPC_DEADLINE_S = 30;

  private final ReportSpool spool;
  private final ReportSpool.Sender sender;
  private final PrintStream err;

  public ReportDelivery(ReportSpool spool, ReportSpool.Sender sender, PrintStream err) {
    this.spool = Objects.requireNonNull(spool, "spool");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** The sender that submits over {@code channel}: it throws when not acknowledged. */
  public static ReportSpool.Sender over(Channel channel) {
    ReportServiceGrpc.ReportServiceBlockingStub reports =
        ReportServiceGrpc.newBlockingStub(channel);
    return r -> reports
        .withDeadlineAfter(RPC_DEADLINE_S, TimeUnit.SECONDS)
        .submitReport(SubmitReportRequest.newBuilder().setReport(r).build());
  }

  /**
   * The sender that submits to the masters {@code masters} calls: to the current one, and to
   * the next while one is unavailable. The master stores by id, so a report whose
   * acknowledgement was lost with one master and that is sent again to another is kept once.
   */
  public static ReportSpool.Sender over(Failover masters) {
    return r -> masters.callUnchecked((channel, at) -> {
      over(channel).send(r);
      return null;
    });
  }

  /** Sends the reports earlier runs kept, oldest first; returns how many the master took. */
  public int deliverSpooled() throws IOException {
    int delivered = spool.deliver(sender);
    if (delivered > 0) {
      err.println("stead agent run: delivered " + delivered + " spooled report"
          + (delivered == 1 ? "" : "s"));
    }
    return delivered;
  }

  /**
   * Spools {@code report}, then sends it and deletes it once acknowledged; when
   * {@code masterAway} (the run already found the master unreachable) or the send fails, it
   * stays for the next run.
   */
  public void submit(Report report, boolean masterAway) throws IOException {
    Path file = spool.spool(report);
    if (masterAway) {
      err.println("stead agent run: the report is kept in " + file + " for the next run");
      return;
    }
    try {
      sender.send(report);
    } catch (StatusRuntimeException e) {
      err.println("stead agent run: the report could not be delivered ("
          + e.getStatus().getCode() + "); kept in " + file + " for the next run");
      return;
    }
    Files.deleteIfExists(file);
  }
}
