package dev.stead.master.storage;

import dev.stead.proto.v1.Facts;
import dev.stead.proto.v1.NodeInfo;
import java.util.List;
import java.util.Optional;

/**
 * Nodes and their last facts. Thread-safe. Facts and node summaries are rebuilt by a node's
 * next run, so a backend may acknowledge them before they are synced to disk. Failures of the
 * underlying storage surface as {@link StoreException}.
 *
 * <p>Names passed in are certnames already validated by the caller (no NUL characters).
 */
public interface NodeStore {

  void putFacts(String node, Facts facts);

  Optional<Facts> facts(String node);

  /** Inserts or replaces the summary of {@code node.getName()}. */
  void putNode(NodeInfo node);

  Optional<NodeInfo> node(String name);

  /** Every known node, sorted by name. */
  List<NodeInfo> nodes();

  /**
   * Every known node's name and last report, sorted by name: as {@link #nodes()}, without
   * building each summary.
   */
  List<NodeActivity> activity();
}
