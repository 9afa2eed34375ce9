package dev.stead.agent.resource.mount;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FstabEntryTest {
  @Test
  void blanksInFieldsAreEscapedAndReadBack() {
    FstabEntry entry = new FstabEntry("//nas/my share", "/mnt/my share", "cifs", "ro", 0, 0);
    assertThat(entry.line()).isEqualTo("//nas/my\\040share\t/mnt/my\\040share\tcifs\tro\t0\t0");
    assertThat(FstabEntry.parse(entry.line())).isEqualTo(entry);
  }

  @Test
  void spacingDoesNotMatterAndMissingFieldsDefault() {
    assertThat(FstabEntry.parse("  /dev/sdb1   /data ext4"))
        .isEqualTo(new FstabEntry("/dev/sdb1", "/data", "ext4", "defaults", 0, 0));
    assertThat(FstabEntry.parse("/dev/sdb1\t/data\text4\tnoatime\t0\t2"))
        .isEqualTo(new FstabEntry("/dev/sdb1", "/data", "ext4", "noatime", 0, 2));
  }

  @Test
  void commentsBlankAndShortLinesAreNoEntries() {
    assertThat(FstabEntry.parse("# /dev/sdb1 /data ext4 defaults 0 0")).isNull();
    assertThat(FstabEntry.parse("   ")).isNull();
    assertThat(FstabEntry.parse("/dev/sdb1 /data")).isNull();
    assertThat(FstabEntry.mountPointOf("/dev/sdb1 /data")).isEqualTo("/data");
  }
}
