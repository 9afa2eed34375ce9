package dev.stead.master.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Mode;
import dev.stead.proto.v1.NodeClassification;
import dev.stead.proto.v1.NodeInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator classifications on a real RocksDB: validated whole, durable, in a checkpoint. */
class NodeClassificationsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L),
      ZoneOffset.UTC);
  @TempDir Path dir;

  @Test
  void modeIsEnforceUntilSetAndSurvivesAReopenAndACheckpoint() throws Exception {
    try (RocksStore store = RocksStore.open(dir.resolve("db"))) {
      NodeClassifications classifications = new NodeClassifications(store, CLOCK);
      assertThat(classifications.mode("web01")).isEqualTo(Mode.ENFORCE);

      NodeClassification set = classifications.classify("web01", Map.of("mode", "audit"),
          List.of(), "stead-admin");

      assertThat(set.getValuesMap()).containsExactly(Map.entry("mode", "audit"));
      assertThat(set.getUpdatedBy()).isEqualTo("stead-admin");
      assertThat(set.getUpdatedAtMs()).isEqualTo(CLOCK.millis());
      assertThat(classifications.mode("web01")).isEqualTo(Mode.AUDIT);
      assertThat(classifications.mode("web02")).isEqualTo(Mode.ENFORCE);
      store.checkpoint(dir.resolve("backup"));
    }
    for (Path db : List.of(dir.resolve("db"), dir.resolve("backup"))) {
      try (RocksStore store = RocksStore.open(db)) {
        assertThat(new NodeClassifications(store).mode("web01")).as(db.toString())
            .isEqualTo(Mode.AUDIT);
      }
    }
  }

  @Test
  void eachModeChangeIsAnAuditRowAndSettingTheSameModeAgainIsNot() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      NodeClassifications classifications = new NodeClassifications(store, CLOCK);
      classifications.classify("web01", Map.of("mode", "audit"), List.of(), "alice");
      classifications.classify("web01", Map.of("mode", "audit"), List.of(), "alice");
      classifications.classify("web01", Map.of(), List.of("mode"), "bob");

      assertThat(store.decisions(0, 0)).extracting(d -> d.getDecision() + " " + d.getBefore()
          + "->" + d.getAfter() + " by " + d.getActor() + " on " + d.getNode())
          .containsExactlyInAnyOrder("mode enforce->audit by alice on web01",
              "mode audit->enforce by bob on web01");
      assertThat(store.decisions(CLOCK.millis() + 1, 0)).isEmpty();
    }
  }

  @Test
  void unsettingTheLastKeyForgetsTheNode() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      NodeClassifications classifications = new NodeClassifications(store, CLOCK);
      classifications.classify("web01", Map.of("mode", "audit"), List.of(), "stead-admin");

      classifications.classify("web01", Map.of(), List.of("mode"), "stead-admin");

      assertThat(store.classifications()).isEmpty();
      assertThat(classifications.mode("web01")).isEqualTo(Mode.ENFORCE);
    }
  }

  @Test
  void environmentIsProductionUntilSetAndAnInvalidNameIsRefused() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      NodeClassifications classifications = new NodeClassifications(store, CLOCK);
      assertThat(classifications.environment("web01")).isEqualTo("production");
      classifications.classify("web01", Map.of("environment", "staging"), List.of(), "alice");
      assertThat(classifications.environment("web01")).isEqualTo("staging");
      assertThat(classifications.describeAll()).extracting(NodeInfo::getEnvironment)
          .containsExactly("staging");

      assertThatThrownBy(() -> classifications.classify("web01",
          Map.of("environment", "../production"), List.of(), "alice"))
          .hasMessageStartingWith("environment: an environment name is");
      assertThat(classifications.environment("web01")).isEqualTo("staging");
      classifications.classify("web01", Map.of(), List.of("environment"), "bob");
      assertThat(classifications.environment("web01")).isEqualTo("production");
      assertThat(store.decisions(0, 0)).extracting(d -> d.getProperty() + " " + d.getBefore()
          + "->" + d.getAfter() + " by " + d.getActor())
          .containsExactlyInAnyOrder("environment production->staging by alice",
              "environment staging->production by bob");
    }
  }

  @Test
  void badInputIsRefusedWholeWithTheReason() throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      NodeClassifications classifications = new NodeClassifications(store, CLOCK);
      classifications.classify("web01", Map.of("mode", "audit"), List.of(), "stead-admin");

      assertThatThrownBy(() -> classifications.classify("web01",
          Map.of("mode", "enforce", "env", "prod"), List.of(), "stead-admin"))
          .hasMessage("unknown classification key 'env' (known: environment, mode)");
      assertThatThrownBy(() -> classifications.classify("web01", Map.of("mode", "AUDIT"),
          List.of(), "stead-admin"))
          .hasMessage("mode must be one of audit, enforce, got 'AUDIT'");
      assertThatThrownBy(() -> classifications.classify("web01", Map.of("mode", "audit"),
          List.of("mode"), "stead-admin")).hasMessage("'mode' is both set and unset");
      assertThatThrownBy(() -> classifications.classify("web01", Map.of(), List.of(),
          "stead-admin")).hasMessageStartingWith("nothing to change");
      assertThatThrownBy(() -> classifications.classify("../x", Map.of("mode", "audit"),
          List.of(), "stead-admin")).hasMessageContaining("certname '../x' is not valid");
      assertThatThrownBy(() -> classifications.classify("stead-admin",
          Map.of("mode", "audit"), List.of(), "stead-admin"))
          .hasMessageContaining("reserved");

      assertThat(classifications.mode("web01")).isEqualTo(Mode.AUDIT);
      assertThat(store.classifications()).hasSize(1);
    }
  }

  @Test
  void listedNodesCarryTheirModeAndNodesClassifiedBeforeTheirFirstRunAreListed()
      throws Exception {
    try (RocksStore store = RocksStore.open(dir)) {
      NodeClassifications classifications = new NodeClassifications(store, CLOCK);
      store.putNode(NodeInfo.newBuilder().setName("a.test").setLastReportMs(5).build());
      store.putNode(NodeInfo.newBuilder().setName("c.test").build());
      classifications.classify("b.test", Map.of("mode", "audit"), List.of(), "stead-admin");

      List<NodeInfo> nodes = classifications.describeAll();

      assertThat(nodes).extracting(NodeInfo::getName)
          .containsExactly("a.test", "b.test", "c.test");
      assertThat(nodes).extracting(NodeInfo::getMode)
          .containsExactly(Mode.ENFORCE, Mode.AUDIT, Mode.ENFORCE);
      assertThat(nodes.get(0).getLastReportMs()).isEqualTo(5);
      assertThat(nodes.get(1).getClassification().getValuesMap()).containsEntry("mode", "audit");
    }
  }
}
