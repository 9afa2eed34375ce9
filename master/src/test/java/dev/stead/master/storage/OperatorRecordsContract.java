package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.ChangeRecord;
import dev.stead.proto.v1.DriftException;
import dev.stead.proto.v1.NodeClassification;
import org.junit.jupiter.api.Test;

/** {@link OperatorRecords}: exceptions, classifications and decisions, kept and ordered. */
abstract class OperatorRecordsContract extends StoreContract {

  private static DriftException exception(String node, String id, String reason) {
    return DriftException.newBuilder().setNode(node).setId(id).setResource("file[/etc/motd]")
        .setReason(reason).setExpiresAtMs(5000).build();
  }

  private static ChangeRecord decision(String node, long at, String what) {
    return ChangeRecord.newBuilder().setNode(node).setTimeMs(at).setDecision(what)
        .setActor("alice").build();
  }

  @Test
  void exceptionsAreReplacedByNodeAndIdAndListedByNodeThenId() throws Exception {
    OperatorRecords records = store;
    records.putException(exception("web2", "ex-02", "first"));
    records.putException(exception("web1", "ex-09", "first"));
    records.putException(exception("web1", "ex-01", "first"));
    records.putException(exception("web10", "ex-03", "first"));
    records.putException(exception("web1", "ex-09", "lifted"));
    reopen();

    assertThat(store.exceptions("")).extracting(e -> e.getNode() + "/" + e.getId() + "/"
        + e.getReason()).containsExactly("web1/ex-01/first", "web1/ex-09/lifted",
            "web10/ex-03/first", "web2/ex-02/first");
    assertThat(store.exceptions("web1")).extracting(DriftException::getId)
        .containsExactly("ex-01", "ex-09");
    assertThat(store.exceptions("web")).isEmpty();
    assertThatThrownBy(() -> store.putException(exception("", "ex-1", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClassificationWithoutValuesIsDeleted() throws Exception {
    store.putClassification(NodeClassification.newBuilder().setNode("web2")
        .putValues("mode", "audit").setUpdatedBy("alice").build());
    store.putClassification(NodeClassification.newBuilder().setNode("web1")
        .putValues("mode", "audit").build());
    store.putClassification(NodeClassification.newBuilder().setNode("web1")
        .putValues("mode", "enforce").build());
    store.putClassification(NodeClassification.newBuilder().setNode("db1")
        .putValues("mode", "audit").build());
    store.putClassification(NodeClassification.newBuilder().setNode("db1").build());
    reopen();

    assertThat(store.classifications()).extracting(c -> c.getNode() + "=" + c.getValuesMap())
        .containsExactly("web1={mode=enforce}", "web2={mode=audit}");
    assertThat(store.classification("web2")).hasValueSatisfying(
        c -> assertThat(c.getUpdatedBy()).isEqualTo("alice"));
    assertThat(store.classification("db1")).isEmpty();
    assertThatThrownBy(() -> store.putClassification(NodeClassification.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decisionsComeNewestFirstWithinTheWindowAndNoneIsLost() throws Exception {
    store.addDecision(decision("web1", 1000, "accept"));
    store.addDecision(decision("web1", 3000, "mode"));
    store.addDecision(decision("web2", 2000, "except"));
    // Two decisions of one node in the same millisecond are both kept.
    store.addDecision(decision("web2", 2000, "expired"));
    reopen();

    assertThat(store.decisions(0, 0)).extracting(ChangeRecord::getDecision)
        .containsExactly("mode", "except", "expired", "accept");
    assertThat(store.decisions(1500, 2500)).extracting(ChangeRecord::getDecision)
        .containsExactly("except", "expired");
    assertThat(store.decisions(3001, 0)).isEmpty();
    assertThatThrownBy(() -> store.addDecision(decision("web1", 1, "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.addDecision(decision("", 1, "accept")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
