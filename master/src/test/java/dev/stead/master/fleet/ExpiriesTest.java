package dev.stead.master.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiriesTest {
  private static final long NOW = Instant.parse("2026-12-03T10:00:00Z").toEpochMilli();

  private static Instant parse(String text) {
    return Instant.ofEpochMilli(Expiries.parse(text, "--expires", NOW));
  }

  @Test
  void aDurationCountsFromNowAndIsoTimesAreAbsoluteUtcUnlessTheySayOtherwise() {
    assertThat(parse("7d")).isEqualTo("2026-12-10T10:00:00Z");
    assertThat(parse("90s")).isEqualTo("2026-12-03T10:01:30Z");
    assertThat(parse("2026-12-31T18:00:00Z")).isEqualTo("2026-12-31T18:00:00Z");
    assertThat(parse("2026-12-31T18:00:00+01:00")).isEqualTo("2026-12-31T17:00:00Z");
    assertThat(parse("2026-12-31T18:00")).isEqualTo("2026-12-31T18:00:00Z");
    assertThat(parse("2026-12-31")).isEqualTo("2026-12-31T00:00:00Z");
  }

  @Test
  void anythingElseIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> parse("soon")).hasMessageContaining("--expires: 'soon' is neither");
    assertThatThrownBy(() -> parse("0d")).hasMessageContaining("must not be zero");
    assertThatThrownBy(() -> parse("31/12/2026")).hasMessageContaining("is neither");
  }
}
