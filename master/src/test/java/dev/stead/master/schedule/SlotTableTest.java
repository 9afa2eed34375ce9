package dev.stead.master.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stead.proto.v1.RunSlot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlotTableTest {
  private static List<String> names(int n) {
    return IntStream.range(0, n).mapToObj(i -> String.format("web%04d.example.com", i)).toList();
  }

  @Test
  void slotsSpreadEvenlyOverTheInterval() {
    List<String> nodes = names(1_000);
    SlotTable table = SlotTable.of(nodes);
    List<Integer> offsets = new ArrayList<>();
    for (String node : nodes) {
      RunSlot slot = table.slotOf(node);
      assertThat(slot.getNodes()).isEqualTo(1_000);
      offsets.add(slot.getOffsetPpm());
    }
    Collections.sort(offsets);
    // One node per thousandth of the interval, no two together, no gap.
    for (int i = 0; i < offsets.size(); i++) {
      assertThat(offsets.get(i)).isEqualTo(i * 1_000);
    }
  }

  @Test
  void theSameNodesGiveTheSameSlotsWhateverTheOrderTheyAreListedIn() {
    List<String> nodes = new ArrayList<>(names(300));
    SlotTable a = SlotTable.of(nodes);
    Collections.shuffle(nodes, new Random(7));
    SlotTable b = SlotTable.of(nodes);
    for (String node : nodes) {
      assertThat(b.slotOf(node)).isEqualTo(a.slotOf(node));
    }
  }

  @Test
  void neighbouringNamesDoNotRunBackToBack() {
    List<String> nodes = names(1_000);
    SlotTable table = SlotTable.of(nodes);
    int adjacent = 0;
    for (int i = 1; i < nodes.size(); i++) {
      int gap = Math.abs(table.slotOf(nodes.get(i)).getRank()
          - table.slotOf(nodes.get(i - 1)).getRank());
      if (gap <= 1) {
        adjacent++;
      }
    }
    assertThat(adjacent).isLessThan(20); // in name order they all would be
  }

  @Test
  void aJoiningNodeMovesEveryOtherNodeByLessThanOneSlotWidth() {
    List<String> nodes = new ArrayList<>(names(500));
    SlotTable before = SlotTable.of(nodes);
    RunSlot promised = before.slotOf("db01.example.com");
    assertThat(before.contains("db01.example.com")).isFalse();
    nodes.add("db01.example.com");
    SlotTable after = SlotTable.of(nodes);
    assertThat(after.size()).isEqualTo(501);
    // The slot a node is given before the table knows it is the one the table then gives it.
    assertThat(after.slotOf("db01.example.com")).isEqualTo(promised);
    long width = SlotTable.PPM / 500;
    for (String node : names(500)) {
      long moved = Math.abs(after.slotOf(node).getOffsetPpm()
          - (long) before.slotOf(node).getOffsetPpm());
      assertThat(moved).as(node).isLessThanOrEqualTo(width);
    }
  }

  @Test
  void aLeavingNodeFreesItsSlotForTheOthers() {
    List<String> nodes = new ArrayList<>(names(4));
    String gone = nodes.remove(2);
    SlotTable three = SlotTable.of(nodes);
    assertThat(three.contains(gone)).isFalse();
    assertThat(nodes.stream().map(n -> three.slotOf(n).getOffsetPpm()).sorted().toList())
        .containsExactly(0, 333_333, 666_666);
  }

  @Test
  void anEmptyTableGivesTheFirstNodeTheStartOfTheInterval() {
    assertThat(SlotTable.empty().slotOf("first")).isEqualTo(
        RunSlot.newBuilder().setOffsetPpm(0).setRank(0).setNodes(1).build());
  }
}
