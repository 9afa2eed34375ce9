package dev.stead.master.forward;

import dev.stead.master.ca.PrivateFiles;
import dev.stead.proto.v1.ForwardedReport;
import dev.stead.proto.v1.Report;
import dev.stead.wire.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Forwards stored reports with drift or failures to the configured sinks from a bounded queue
 * on one daemon thread. Storing a report only offers it to the queue: a full queue drops the
 * report for forwarding (counted and logged, never blocking), and a receiver that fails is
 * tried three times with a pause between, then skipped for that report. Thread-safe.
 */
public final class ReportForwarder implements Consumer<Report>, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReportForwarder.class.getName());
  static final int QUEUE = 1_000;
  private static final int ATTEMPTS = 3;
  private final List<Sink> sinks;
  private final BlockingQueue<ForwardedReport> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final long pauseMs;
  private final Thread worker;
  private volatile boolean closed;

  ReportForwarder(List<Sink> sinks, long pauseMs) {
    this.sinks = List.copyOf(sinks);
    this.pauseMs = pauseMs;
    this.worker = new Thread(this::work, "stead-report-forwarder");
    worker.setDaemon(true);
    worker.start();
  }

  /** The forwarder {@code config} asks for; null when it asks for none. */
  public static ReportForwarder start(ForwardConfig config) throws IOException {
    if (!config.any()) {
      return null;
    }
    List<Sink> sinks = new ArrayList<>();
    if (config.webhook() != null) {
      sinks.add(new WebhookSink(config.webhook(), secret(config), WebhookSink.tls(
          config.webhookCa())));
    }
    if (config.syslog() != null) {
      sinks.add(new SyslogSink(syslogAddress(config.syslog()), hostname()));
    }
    return new ReportForwarder(sinks, 1_000);
  }

  /** This machine's name for syslog's HOSTNAME field; "-" (RFC 5424's nil) if unknown. */
  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "-";
    }
  }

  private static byte[] secret(ForwardConfig config) throws IOException {
    return PrivateFiles.readSecretLine(config.webhookSecret(), "report webhook secret file", 16)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static InetSocketAddress syslogAddress(String hostPort) {
    HostPort address = HostPort.dial(hostPort, "--report-syslog", HostPort.NO_DEFAULT);
    return new InetSocketAddress(address.host(), address.port());
  }

  /** Offers a stored report; returns at once whatever the receivers are doing. */
  @Override
  public void accept(Report report) {
    Forwarded.of(report).ifPresent(forwarded -> {
      if (!queue.offer(forwarded)) {
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
          LOG.warning("report forwarding is behind: " + n + " reports dropped so far "
              + "(queue of " + QUEUE + " full)");
        }
      }
    });
  }

  private void work() {
    while (!closed) {
      ForwardedReport report;
      try {
        report = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (report == null) {
        continue;
      }
      for (Sink sink : sinks) {
        deliver(sink, report);
      }
    }
  }

  private void deliver(Sink sink, ForwardedReport report) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        sink.send(report);
        sent.incrementAndGet();
        return;
      } catch (IOException | RuntimeException e) {
        if (attempt == ATTEMPTS) {
          failed.incrementAndGet();
          LOG.warning("could not forward report " + report.getReportId() + " of "
              + report.getNode() + " to " + sink.name() + " after " + ATTEMPTS + " attempts: "
              + e.getMessage());
          return;
        }
        try {
          Thread.sleep(pauseMs * attempt);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Deliveries that reached a receiver. */
  public long sent() {
    return sent.get();
  }

  /** Deliveries given up after every attempt failed. */
  public long failed() {
    return failed.get();
  }

  /** Reports not forwarded because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
  }
}
