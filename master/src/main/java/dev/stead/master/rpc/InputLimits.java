package dev.stead.master.rpc;

import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.Report;
import dev.stead.proto.v1.ResourceResult;
import dev.stead.proto.v1.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;

/**
 * How much a caller may send. The byte limits apply while a request arrives
 * ({@link InboundBudget}) and again before it is parsed ({@link InboundGuard}); the count limits here apply to parsed facts and reports, before
 * they are stored or compiled. Exceeding one is RESOURCE_EXHAUSTED with the limit named.
 */
public final class InputLimits {
  /** Largest request of any method, unless listed in {@link #MAX_REQUEST_BYTES_BY_METHOD}. */
  public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  /** Reports may carry diffs: they get more. Also the transport's limit. */
  public static final int MAX_REPORT_BYTES = 16 * 1024 * 1024;
  public static final Map<String, Integer> MAX_REQUEST_BYTES_BY_METHOD =
      Map.of("stead.v1.ReportService/SubmitReport", MAX_REPORT_BYTES);
  /**
   * Largest request from a caller without a client certificate, whatever the method: the
   * bootstrap requests need a name and a CSR (at most 16 KiB).
   */
  public static final int MAX_ANONYMOUS_REQUEST_BYTES = 64 * 1024;
  /** Values in one node's facts, nested ones included. */
  public static final int MAX_FACT_VALUES = 50_000;
  /** Nesting of lists and maps in facts. */
  public static final int MAX_FACT_DEPTH = 32;
  public static final int MAX_FACT_NAME_LENGTH = 256;
  public static final int MAX_REPORT_RESOURCES = 100_000;
  /** Events in one report, over all its resources. */
  public static final int MAX_REPORT_EVENTS = 100_000;

  private InputLimits() {}

  /** RESOURCE_EXHAUSTED when {@code facts} has too many values or nests too deep. */
  static void checkFacts(String node, Facts facts) {
    int[] count = {0};
    for (Map.Entry<String, Value> entry : facts.getValuesMap().entrySet()) {
      if (entry.getKey().length() > MAX_FACT_NAME_LENGTH) {
        throw Status.INVALID_ARGUMENT.withDescription("a fact name of '" + node
            + "' is longer than " + MAX_FACT_NAME_LENGTH + " characters").asRuntimeException();
      }
      count(node, entry.getValue(), 1, count);
    }
  }

  private static void count(String node, Value value, int depth, int[] count) {
    if (++count[0] > MAX_FACT_VALUES) {
      throw exhausted("the facts of '" + node + "' hold more than " + MAX_FACT_VALUES
          + " values");
    }
    if (depth > MAX_FACT_DEPTH) {
      throw exhausted("the facts of '" + node + "' nest deeper than " + MAX_FACT_DEPTH
          + " levels");
    }
    switch (value.getKindCase()) {
      case LIST_VALUE -> value.getListValue().getValuesList()
          .forEach(v -> count(node, v, depth + 1, count));
      case MAP_VALUE -> value.getMapValue().getEntriesMap().values()
          .forEach(v -> count(node, v, depth + 1, count));
      default -> { }
    }
  }

  /** RESOURCE_EXHAUSTED when {@code report} has too many resources or events. */
  static void checkReport(Report report) {
    if (report.getResourcesCount() > MAX_REPORT_RESOURCES) {
      throw exhausted("report '" + report.getId() + "' has " + report.getResourcesCount()
          + " resources; at most " + MAX_REPORT_RESOURCES + " are accepted");
    }
    long events = 0;
    for (ResourceResult resource : report.getResourcesList()) {
      events += resource.getEventsCount();
    }
    if (events > MAX_REPORT_EVENTS) {
      throw exhausted("report '" + report.getId() + "' has " + events + " events; at most "
          + MAX_REPORT_EVENTS + " are accepted");
    }
  }

  private static StatusRuntimeException exhausted(String message) {
    return Status.RESOURCE_EXHAUSTED.withDescription(message).asRuntimeException();
  }
}
