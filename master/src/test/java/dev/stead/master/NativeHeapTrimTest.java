package dev.stead.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Memory the process freed goes back to the system at a trim: what RSS shows. */
class NativeHeapTrimTest {
  private static final long BLOCK = 64 * 1024; // below glibc's mmap threshold: from an arena
  private static final int BLOCKS = 2_000; // 125 MB

  @Test
  void aTrimGivesFreedCMemoryBackAndTheProcessShrinks() throws Exception {
    sun.misc.Unsafe unsafe = unsafe();
    long[] blocks = new long[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
      blocks[i] = unsafe.allocateMemory(BLOCK);
      unsafe.setMemory(blocks[i], BLOCK, (byte) 1); // resident, not only reserved
    }
    // All freed but the last: free memory below a live block is not returned by free().
    for (int i = 0; i < BLOCKS - 1; i++) {
      unsafe.freeMemory(blocks[i]);
    }
    long before = rssKb();

    Optional<String> report = NativeHeapTrim.trimOnce();
    long after = rssKb();
    unsafe.freeMemory(blocks[BLOCKS - 1]);

    assertThat(report).as("this JDK on glibc trims").hasValueSatisfying(r ->
        assertThat(r).startsWith("Trim native heap: RSS+Swap:"));
    assertThat(before - after).as("RSS given back, KB (before %d, after %d)", before, after)
        .isGreaterThan(BLOCK * BLOCKS / 1024 / 2);
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static sun.misc.Unsafe unsafe() throws Exception {
    Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    f.setAccessible(true);
    return (sun.misc.Unsafe) f.get(null);
  }
}
