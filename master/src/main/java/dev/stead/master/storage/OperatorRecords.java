package dev.stead.master.storage;

import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.NodeClassification;
import java.util.List;
import java.util.Optional;

/**
 * What operators decided: drift exceptions, node classifications and the decisions that
 * leave no other record. Thread-safe. Every write is durable before the method returns; none
 * of it expires with reports (it is the audit trail).
 */
public interface OperatorRecords {

  /**
   * Records a drift exception, replacing one with the same node and id. Exceptions are kept
   * after they expire: they are part of the audit trail.
   */
  void putException(DriftException exception);

  /** The drift exceptions of {@code node}, of every node when empty; by node, then id. */
  List<DriftException> exceptions(String node);

  /**
   * Stores what the operator set on {@code classification.node()}; a classification without
   * values is deleted.
   */
  void putClassification(NodeClassification classification);

  Optional<NodeClassification> classification(String node);

  /** Every stored classification, sorted by node name. */
  List<NodeClassification> classifications();

  /**
   * Records an operator's decision as a row of the audit trail (kind DECISION): those that
   * leave no other record, such as an accepted drift or a mode change.
   *
   * @throws IllegalArgumentException when the node or the decision is empty
   */
  void addDecision(ChangeRecord decision);

  /** The decisions recorded in {@code [sinceMs, untilMs]} (until 0: now), newest first. */
  List<ChangeRecord> decisions(long sinceMs, long untilMs);
}
