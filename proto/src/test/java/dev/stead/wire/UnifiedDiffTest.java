package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void showsAChangedLineWithContext() {
    String diff = UnifiedDiff.of("/f", b("a\nb\nc\nd\ne\nf\ng\nh\n"),
        b("a\nb\nc\nD\ne\nf\ng\nh\n"));
    assertThat(diff).isEqualTo("--- /f\n+++ /f\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n");
  }

  @Test
  void separatesDistantChangesIntoHunks() {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      a.append(i).append('\n');
    }
    String before = a.toString();
    String after = before.replace("\n2\n", "\ntwo\n").replace("\n25\n", "\ntwenty-five\n");
    String diff = UnifiedDiff.of("/f", b(before), b(after));
    assertThat(diff.lines().filter(l -> l.startsWith("@@"))).hasSize(2);
    assertThat(diff).contains("-2\n+two\n").contains("-25\n+twenty-five\n");
  }

  @Test
  void insertionIntoEmptyAndMissingNewline() {
    assertThat(UnifiedDiff.of("/f", b(""), b("x\ny")))
        .isEqualTo("--- /f\n+++ /f\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n");
  }

  @Test
  void binaryAndEqualGiveNothing() {
    assertThat(UnifiedDiff.of("/f", new byte[] {0, 1}, b("x"))).isEmpty();
    assertThat(UnifiedDiff.of("/f", b("x"), new byte[] {(byte) 0xff, (byte) 0xfe})).isEmpty();
    assertThat(UnifiedDiff.of("/f", b("same"), b("same"))).isEmpty();
  }

  @Test
  void isBoundedWithAMarker() {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      big.append("line ").append(i).append('\n');
    }
    String diff = UnifiedDiff.of("/f", b(""), b(big.toString()));
    assertThat(diff.lines().count()).isEqualTo(UnifiedDiff.MAX_LINES + 1);
    assertThat(diff).endsWith("... diff truncated: 303 more lines\n");
  }

  @Test
  void givesUpOnHugeRewritesCheaply() {
    StringBuilder a = new StringBuilder();
    StringBuilder c = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      a.append("a").append(i).append('\n');
      c.append("c").append(i).append('\n');
    }
    assertThat(UnifiedDiff.of("/f", b(a.toString()), b(c.toString())))
        .contains("too many changes to show");
  }
}
