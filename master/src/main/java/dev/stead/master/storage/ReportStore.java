package dev.stead.master.storage;

import dev.stead.proto.v1.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Run reports and their indexes (by node, time, status and resource). Thread-safe. A report is
 * durable (survives an OS crash) once {@link #addReport} returned: the agent deletes its
 * spooled copy when the master acknowledges it.
 */
public interface ReportStore {

  /**
   * Stores {@code report} unless a report with the same id is already stored.
   *
   * @return true when stored, false when the id was already known (nothing is changed)
   * @throws IllegalArgumentException when the id or node is empty or the start time negative
   */
  boolean addReport(Report report);

  Optional<Report> report(String id);

  /** Up to {@code limit} reports whose id starts with {@code prefix}, in id order. */
  List<Report> reportsWithIdPrefix(String prefix, int limit);

  /**
   * The newest {@code limit} reports of {@code node} (of every node when empty), newest first
   * by start time.
   */
  List<Report> reports(String node, int limit);

  /**
   * Visits the reports matching {@code query}, newest first by start time, until
   * {@code visitor} returns false. The visitor must not write to the store.
   */
  void scanReports(ReportQuery query, Predicate<Report> visitor);

  /** The newest {@code limit} reports matching {@code query}, newest first. */
  default List<Report> queryReports(ReportQuery query, int limit) {
    List<Report> out = new ArrayList<>();
    if (limit > 0) {
      scanReports(query, report -> {
        out.add(report);
        return out.size() < limit;
      });
    }
    return List.copyOf(out);
  }

  /**
   * Deletes every report that started before {@code cutoffMs}, with its index entries, and
   * gives the space back. A backend that stores reports in whole days may keep reports of the
   * day the cutoff falls in until that day is entirely past the cutoff.
   *
   * @return how many reports were deleted
   */
  int expireReports(long cutoffMs);

  /**
   * Deletes every report that started after {@code latestMs}, as {@link #expireReports} does
   * for old ones: reports dated in the future cannot be placed on the master's clock (see
   * {@link ReportTimes}), and would otherwise never reach the retention cutoff.
   *
   * @return how many reports were deleted
   */
  int expireReportsStartedAfter(long latestMs);
}
