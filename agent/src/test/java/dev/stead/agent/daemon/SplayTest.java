package dev.stead.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplayTest {
  @Test
  void splayIsStablePerNodeAndWithinTheInterval() {
    Duration limit = Duration.ofMinutes(5);
    Duration a = Splay.of("web01.example.com", limit);
    assertThat(Splay.of("web01.example.com", limit)).isEqualTo(a);
    assertThat(a).isBetween(Duration.ZERO, limit.minusMillis(1));
    long distinct = IntStream.range(0, 20)
        .mapToObj(i -> Splay.of("node" + i, limit)).distinct().count();
    assertThat(distinct).isGreaterThan(15);
  }
}
