package dev.stead.master.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A login for an unknown name must not answer faster than one for a real operator. */
class OperatorPasswordsTimingTest {
  @TempDir Path data;

  @Test
  void anUnknownNameCostsAsMuchAsAKnownOne() throws Exception {
    OperatorPasswords operators = new OperatorPasswords(data);
    operators.put("alice", "correct horse battery".toCharArray());
    char[] guess = "wrong password".toCharArray();
    operators.verify("alice", guess); // warm up the hash

    long[] known = new long[7];
    long[] unknown = new long[7];
    for (int i = 0; i < known.length; i++) {
      long t0 = System.nanoTime();
      assertThat(operators.verify("alice", guess)).isFalse();
      long t1 = System.nanoTime();
      assertThat(operators.verify("nobody", guess)).isFalse();
      long t2 = System.nanoTime();
      known[i] = t1 - t0;
      unknown[i] = t2 - t1;
    }

    // Without the dummy hash an unknown name took well under 1% of a known one's time;
    // a generous bound, so that a loaded machine cannot fail it.
    assertThat(median(unknown)).isGreaterThan(median(known) / 3);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
