package dev.stead.master.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link WavePlanner}: a stable keyed order, wave sizes from canary and step. */
class WavePlannerTest {
  private static final List<String> FLEET =
      IntStream.rangeClosed(1, 40).mapToObj(i -> "web" + i + ".test").toList();

  @Test
  void theOrderIsFixedForARolloutIdAndDiffersBetweenIds() {
    List<String> first = WavePlanner.order("3f2a9c1d0b4e", FLEET);
    List<String> reversedInput = new ArrayList<>(FLEET);
    java.util.Collections.reverse(reversedInput);
    assertThat(WavePlanner.order("3f2a9c1d0b4e", reversedInput)).isEqualTo(first);
    assertThat(first).containsExactlyInAnyOrderElementsOf(FLEET).isNotEqualTo(FLEET);
    assertThat(WavePlanner.order("0b4e3f2a9c1d", FLEET)).isNotEqualTo(first);
    // Pinned: the same id picks the same canary in any JVM, after any restart.
    assertThat(first.subList(0, 3)).isEqualTo(WavePlanner.order("3f2a9c1d0b4e",
        List.of(first.get(2), first.get(0), first.get(1))));
  }

  @Test
  void wavesCoverTheCanaryThenWidenByTheStepRoundedUp() {
    // 40 nodes, canary 5%, step 25%: 2, 12, 22, 32, 40.
    assertThat(IntStream.rangeClosed(1, 6).map(k -> WavePlanner.covered(40, k, 5, 25)))
        .containsExactly(2, 12, 22, 32, 40, 40);
    // A canary share below one node is still one node; nothing from nothing.
    assertThat(WavePlanner.covered(3, 1, 5, 25)).isEqualTo(1);
    assertThat(WavePlanner.covered(0, 1, 5, 25)).isZero();
  }

  @Test
  void eachWaveAddsTheNextNodesOfTheOrderUntilEveryNodeIsIn() {
    String id = "a1b2c3d4e5f6";
    List<String> order = WavePlanner.order(id, FLEET);
    Set<String> in = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    for (int wave = 1; ; wave++) {
      List<String> added = WavePlanner.nextWave(id, FLEET, in, wave, 5, 25);
      if (added.isEmpty()) {
        break;
      }
      assertThat(added).isEqualTo(order.subList(in.size(), in.size() + added.size()));
      in.addAll(added);
      sizes.add(added.size());
    }
    assertThat(sizes).containsExactly(2, 10, 10, 10, 8);
    assertThat(in).containsExactlyInAnyOrderElementsOf(FLEET);
  }

  @Test
  void aNodeThatJoinsMidRolloutTakesItsPlaceInTheOrder() {
    String id = "a1b2c3d4e5f6";
    Set<String> in = new HashSet<>(WavePlanner.nextWave(id, FLEET, Set.of(), 1, 5, 25));
    List<String> grown = new ArrayList<>(FLEET);
    grown.add("new1.test");
    List<String> second = WavePlanner.nextWave(id, grown, in, 2, 5, 25);
    assertThat(second).doesNotContainAnyElementsOf(in);
    List<String> expected = WavePlanner.order(id, grown).subList(0, 13).stream()
        .filter(n -> !in.contains(n)).toList();
    assertThat(second).isEqualTo(expected);
  }
}
