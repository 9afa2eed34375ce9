package dev.stead.master.storage.postgres;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.stead.master.storage.StoreException;
import dev.stead.proto.v1.Report;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A report as a row of the reports table: the body does not repeat what the columns hold
 * (id, node, started_at_ms, status), so that a quiet report, most of them, stays small.
 * Reading puts the columns back into the body; a body that still holds them (written before
 * they were left out) reads the same, as the columns hold the same values.
 */
final class ReportRows {
  /** What {@link #read} takes, in this order, first in a select list. */
  static final String COLUMNS = "body, id, node, started_at_ms, status";

  private ReportRows() {}

  /** The body to store beside the columns. */
  static byte[] body(Report report) {
    return report.toBuilder().clearId().clearNode().clearStartedAtMs().clearStatus().build()
        .toByteArray();
  }

  /** The report of the current row, selected with {@link #COLUMNS} first. */
  static Report read(ResultSet rows) throws SQLException {
    try {
      return Report.newBuilder().mergeFrom(rows.getBytes(1))
          .setId(rows.getString(2))
          .setNode(rows.getString(3))
          .setStartedAtMs(rows.getLong(4))
          .setStatusValue(rows.getInt(5))
          .build();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("the stored report " + rows.getString(2) + " is corrupt: "
          + e.getMessage(), e);
    }
  }
}
