package dev.stead.agent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MasterAddressTest {
  @Test
  void parsesTheUsualForms() {
    assertThat(MasterAddress.parse("localhost:8140")).isEqualTo(new MasterAddress("localhost", 8140));
    assertThat(MasterAddress.parse("master")).isEqualTo(new MasterAddress("master", 8140));
    assertThat(MasterAddress.parse("[::1]:9000")).isEqualTo(new MasterAddress("::1", 9000));
    assertThat(MasterAddress.parse("::1")).isEqualTo(new MasterAddress("::1", 8140));
    assertThat(MasterAddress.parse("127.0.0.1:1").toString()).isEqualTo("127.0.0.1:1");
  }

  @Test
  void rejectsNonsenseWithAMessage() {
    assertThatThrownBy(() -> MasterAddress.parse("host:port"))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> MasterAddress.parse(":8140")).hasMessageContaining("host is empty");
    assertThatThrownBy(() -> MasterAddress.parse("h:70000"))
        .hasMessage("--server: port must be 1-65535, got 70000");
  }
}
