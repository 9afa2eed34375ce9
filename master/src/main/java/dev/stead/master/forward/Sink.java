package dev.stead.master.forward;

import dev.stead.proto.v1.ForwardedReport;
import java.io.IOException;

/** A receiver of forwarded reports. Called from the forwarder's one thread only. */
interface Sink {
  /** A name for logs, e.g. {@code webhook https://…}. */
  String name();

  void send(ForwardedReport report) throws IOException;
}
