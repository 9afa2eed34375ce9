package dev.stead.master.storage;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.stead.proto.v1.NodeInfo;
import java.io.IOException;
import java.util.Objects;

/**
 * A node's name and when its last report started (ms since the epoch, 0: it never reported):
 * what deciding who is still in the fleet needs, read from a stored {@link NodeInfo} without
 * building it. The run slots read it for every node at each start and refresh; with 100,000
 * nodes, building the summaries (five strings decoded each) took ~0.45 s of a starting
 * master's CPU, while its first catalogs waited for the slots. Immutable.
 */
public record NodeActivity(String name, long lastReportMs) {
  /** {@code last_report_ms} as it is tagged on the wire: its field number, a varint. */
  private static final int LAST_REPORT_TAG =
      NodeInfo.LAST_REPORT_MS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;

  public NodeActivity {
    Objects.requireNonNull(name, "name");
  }

  /** The activity in {@code body}, a stored {@link NodeInfo} of the node {@code name}. */
  public static NodeActivity fromStored(String name, byte[] body) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(body);
      long lastReportMs = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == LAST_REPORT_TAG) {
          lastReportMs = in.readInt64();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      return new NodeActivity(name, lastReportMs);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("the stored summary of node '" + name + "' is corrupt: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new StoreException("cannot read the stored summary of node '" + name + "': "
          + e.getMessage(), e);
    }
  }
}
