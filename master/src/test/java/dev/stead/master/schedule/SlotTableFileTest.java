package dev.stead.master.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotTableFileTest {
  @TempDir Path dir;

  @Test
  void aTableReadBackGivesEveryNodeAndEveryNewcomerTheSameSlot() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      names.add("node-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + ".\u00e9xample");
    }
    SlotTable table = SlotTable.of(names);
    Path file = dir.resolve("run-slots");
    SlotTableFile.write(file, table);

    SlotTable back = SlotTableFile.read(file).orElseThrow();
    assertThat(back.size()).as("seed %d", seed).isEqualTo(table.size());
    for (String name : names) {
      assertThat(back.slotOf(name)).as("seed %d, node %s", seed, name)
          .isEqualTo(table.slotOf(name));
    }
    assertThat(back.slotOf("a-newcomer")).isEqualTo(table.slotOf("a-newcomer"));
    assertThat(back.contains("a-newcomer")).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aMissingForeignOrDamagedFileIsNotATable() throws Exception {
    Path file = dir.resolve("run-slots");
    assertThat(SlotTableFile.read(file)).isEmpty();
    Files.writeString(file, "not a table at all");
    assertThat(SlotTableFile.read(file)).isEmpty();

    SlotTableFile.write(file, SlotTable.of(List.of("a", "b", "c")));
    byte[] whole = Files.readAllBytes(file);
    for (int cut = 1; cut < whole.length; cut++) {
      Files.write(file, java.util.Arrays.copyOf(whole, cut));
      assertThat(SlotTableFile.read(file)).as("cut at %d", cut).isEmpty();
    }
    byte[] longer = java.util.Arrays.copyOf(whole, whole.length + 1);
    Files.write(file, longer);
    assertThat(SlotTableFile.read(file)).isEmpty();
  }

  @Test
  void nodesOutOfTheirHashOrderAreRefused() {
    SlotTable table = SlotTable.of(List.of("a", "b", "c"));
    long[] keys = table.keys();
    String[] names = table.names();
    long swap = keys[0];
    keys[0] = keys[1];
    keys[1] = swap;
    String name = names[0];
    names[0] = names[1];
    names[1] = name;
    assertThatThrownBy(() -> SlotTable.ofOrdered(keys, names))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of order");
  }
}
