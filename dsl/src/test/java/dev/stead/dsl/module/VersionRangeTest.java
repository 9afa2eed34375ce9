package dev.stead.dsl.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionRangeTest {
  private static boolean accepts(String range, String version) {
    return VersionRange.parse(range).accepts(ModuleVersion.parse(version));
  }

  @Test
  void comparatorsAllHold() {
    assertThat(accepts(">=1.0.0 <2.0.0", "1.0.0")).isTrue();
    assertThat(accepts(">=1.0.0 <2.0.0", "1.9.12")).isTrue();
    assertThat(accepts(">=1.0.0 <2.0.0", "2.0.0")).isFalse();
    assertThat(accepts(">=1.0.0 <2.0.0", "0.9.9")).isFalse();
    assertThat(accepts(">= 1.2 < 2", "1.10.0")).isTrue();
    assertThat(accepts(">1.2.0", "1.2.0")).isFalse();
    assertThat(accepts("<=1.2.0", "1.2.0")).isTrue();
  }

  @Test
  void exactVersionsXRangesAndStar() {
    assertThat(accepts("1.2.0", "1.2.0")).isTrue();
    assertThat(accepts("1.2.0", "1.2.1")).isFalse();
    assertThat(accepts("1.x", "1.99.3")).isTrue();
    assertThat(accepts("1.x", "2.0.0")).isFalse();
    assertThat(accepts("1.2.x", "1.2.7")).isTrue();
    assertThat(accepts("1.2.x", "1.3.0")).isFalse();
    assertThat(accepts("*", "0.0.1")).isTrue();
  }

  @Test
  void versionsOrderNumericallyWithPrereleasesFirst() {
    assertThat(ModuleVersion.parse("1.10.0")).isGreaterThan(ModuleVersion.parse("1.9.0"));
    assertThat(ModuleVersion.parse("2.0.0-rc1")).isLessThan(ModuleVersion.parse("2.0.0"));
    assertThat(ModuleVersion.parse("2.0.0-rc.2")).isLessThan(ModuleVersion.parse("2.0.0-rc.10"));
  }

  @Test
  void nonsenseIsRefusedNamingThePart() {
    assertThatThrownBy(() -> VersionRange.parse(">=1.0.0 banana"))
        .hasMessageContaining("'banana' in version range '>=1.0.0 banana' is not understood");
    assertThatThrownBy(() -> ModuleVersion.parse("1.2"))
        .hasMessageContaining("'1.2' is not a version: expected MAJOR.MINOR.PATCH");
  }
}
