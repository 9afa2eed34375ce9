package dev.stead.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The earlier run's chains, searched by digest in one sorted array. */
class ChainTableTest {
  private static RememberingClientTrust.Accepted chain(Random random, String type) {
    byte[] digest = new byte[32];
    random.nextBytes(digest);
    long notBefore = random.nextLong();
    return new RememberingClientTrust.Accepted(digest, type, notBefore, notBefore + 1);
  }

  @Test
  void everyChainIsFoundByItsDigestAndNoOtherIs() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<RememberingClientTrust.Accepted> chains = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      chains.add(chain(random, i % 3 == 0 ? "RSA" : "EC"));
    }
    ChainTable table = ChainTable.of(chains);
    assertThat(table.size()).isEqualTo(chains.size());
    assertThat(table.types()).containsExactlyInAnyOrder("EC", "RSA");
    for (RememberingClientTrust.Accepted chain : chains) {
      assertThat(table.find(chain.digest())).as("seed %d", seed).isNotNull()
          .satisfies(found -> {
            assertThat(found.digest()).isEqualTo(chain.digest());
            assertThat(found.authType()).isEqualTo(chain.authType());
            assertThat(found.notBefore()).isEqualTo(chain.notBefore());
            assertThat(found.notAfter()).isEqualTo(chain.notAfter());
          });
    }
    for (int i = 0; i < 2_000; i++) {
      assertThat(table.find(chain(random, "EC").digest())).as("seed %d", seed).isNull();
    }
    assertThat(ChainTable.EMPTY.find(chains.get(0).digest())).isNull();
  }

  @Test
  void aDigestGivenTwiceKeepsItsLastRecord() {
    Random random = new Random(7);
    RememberingClientTrust.Accepted first = chain(random, "EC");
    RememberingClientTrust.Accepted again = new RememberingClientTrust.Accepted(first.digest(),
        "EC", 5, 9);
    ChainTable table = ChainTable.of(List.of(first, again));
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.find(first.digest()).notAfter()).isEqualTo(9);
  }
}
