package dev.stead.master.forward;

import dev.stead.proto.v1.ForwardedEvent;
import dev.stead.proto.v1.ForwardedReport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Sends one RFC 5424 syslog message over UDP per drift event and per failure (facility
 * daemon; warning for drift, error for a failure), e.g.
 * {@code <28>1 2026-12-03T10:00:00Z master stead-master - drift - web1: file[/etc/x] content
 * repaired (report 3f…)}. Messages are cut to 1,024 bytes, as RFC 5426 advises for UDP.
 */
final class SyslogSink implements Sink {
  private static final int FACILITY_DAEMON = 3;
  private static final int WARNING = 4;
  private static final int ERROR = 3;
  private static final int MAX_BYTES = 1024;
  private final InetSocketAddress target;
  private final String hostname;

  SyslogSink(InetSocketAddress target, String hostname) {
    this.target = target;
    this.hostname = hostname.isEmpty() ? "-" : hostname.replace(' ', '_');
  }

  @Override
  public String name() {
    return "syslog udp://" + target.getHostString() + ":" + target.getPort();
  }

  @Override
  public void send(ForwardedReport report) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      if (report.getEventsCount() == 0) {
        socket.send(packet(ERROR, "failed", report.getNode() + ": run failed: "
            + report.getError() + " (report " + report.getReportId() + ")"));
      }
      for (ForwardedEvent event : report.getEventsList()) {
        boolean drift = event.getKind().equals("drift");
        String text = report.getNode() + ": " + event.getResource()
            + (drift ? " " + event.getProperty() + " " + event.getState()
                : " failed: " + event.getMessage())
            + " (report " + report.getReportId() + ")";
        socket.send(packet(drift ? WARNING : ERROR, drift ? "drift" : "failed", text));
      }
    }
  }

  private DatagramPacket packet(int severity, String msgId, String text) {
    String line = "<" + (FACILITY_DAEMON * 8 + severity) + ">1 " + Instant.now() + " "
        + hostname + " stead-master - " + msgId + " - " + text.replace('\n', ' ');
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(bytes.length, MAX_BYTES);
    return new DatagramPacket(bytes, length, target);
  }
}
