package dev.stead.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetOptionsTest {
  @Test
  void theRateIsTheFleetOverItsInterval() {
    FleetOptions o = FleetOptions.parse(new String[] {"--master", "127.0.0.1:8140",
        "--identities", "ids.tsv", "--agents", "10000", "--interval", "300"});
    assertThat(o.ratePerSecond()).isCloseTo(33.33, org.assertj.core.data.Offset.offset(0.01));
    assertThat(o.churnFacts()).isTrue();
    assertThat(o.port()).isEqualTo(8140);
  }

  @Test
  void aMisspeltOptionStopsTheRunNamingIt() {
    assertThatThrownBy(() -> FleetOptions.parse(new String[] {"--master", "h:1",
        "--identities", "ids.tsv", "--agent", "10"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown option '--agent'");
  }

  @Test
  void moreStreamsThanAgentsIsRefused() {
    assertThatThrownBy(() -> FleetOptions.parse(new String[] {"--master", "h:1",
        "--identities", "ids.tsv", "--agents", "10", "--streams", "11"}))
        .hasMessageContaining("--streams (11) cannot exceed --agents (10)");
  }

  @Test
  void theClientsTlsIsTheJdksUnlessBoringSslIsAsked() {
    String[] base = {"--master", "h:1", "--identities", "ids.tsv"};
    assertThat(FleetOptions.parse(base).boringClient()).isFalse();
    assertThat(FleetOptions.parse(new String[] {"--master", "h:1", "--identities", "ids.tsv",
        "--client-tls", "boringssl"}).boringClient()).isTrue();
    assertThatThrownBy(() -> FleetOptions.parse(new String[] {"--master", "h:1",
        "--identities", "ids.tsv", "--client-tls", "openssl"}))
        .hasMessageContaining("--client-tls must be jdk or boringssl, got 'openssl'");
  }
}
