package dev.stead.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.groovy.parser.antlr4.util.StringUtils;
import org.junit.jupiter.api.Test;

/** The one-pass reading of quoted literals gives Groovy's value, or leaves the literal to it. */
class QuotedStringsTest {
  private static final char[] ALPHABET = {'\\', 'n', 's', 'u', '0', '$', '\'', '"', 'a', '\n'};

  @Test
  void everyShortLiteralReadsAsGroovyReadsItOrIsLeftToGroovy() {
    int handled = 0;
    int total = 0;
    for (int length = 0; length <= 5; length++) {
      int combinations = (int) Math.pow(ALPHABET.length, length);
      char[] text = new char[length];
      for (int n = 0; n < combinations; n++) {
        int rest = n;
        for (int i = 0; i < length; i++) {
          text[i] = ALPHABET[rest % ALPHABET.length];
          rest /= ALPHABET.length;
        }
        String body = new String(text);
        String groovy;
        try {
          groovy = StringUtils.replaceEscapes(body, StringUtils.NONE_SLASHY);
        } catch (RuntimeException rejected) {
          groovy = null;
        }
        for (char quote : new char[] {'\'', '"'}) {
          String ours = QuotedStrings.value(quote + body + quote);
          total++;
          if (ours != null) {
            handled++;
            assertThat(ours).as("literal %s%s%s", quote, body, quote).isEqualTo(groovy);
          }
        }
      }
    }
    assertThat(handled).as("handled of %d", total).isGreaterThan(total / 3);
  }

  @Test
  void theCommonEscapesAreReadHereAndTheRestLeftToGroovy() {
    assertThat(QuotedStrings.value("'line one\\nline two\\t\\'x\\' \\\\ end'"))
        .isEqualTo("line one\nline two\t'x' \\ end");
    assertThat(QuotedStrings.value("\"a\\sb\"")).isEqualTo("a b");
    assertThat(QuotedStrings.value("'plain'")).isEqualTo("plain");
    assertThat(QuotedStrings.value("''")).isEmpty();
    // Left to Groovy: unicode, octal, \$, triple quotes, slashy strings.
    assertThat(QuotedStrings.value("'\\u00e9'")).isNull();
    assertThat(QuotedStrings.value("'\\0'")).isNull();
    assertThat(QuotedStrings.value("\"\\$x\"")).isNull();
    assertThat(QuotedStrings.value("'C:\\\\'")).isEqualTo("C:\\");
    assertThat(QuotedStrings.value("'\\\\0'")).as("an escaped backslash before 0").isNull();
    assertThat(QuotedStrings.value("'''a\\nb'''")).isNull();
    assertThat(QuotedStrings.value("/a\\nb/")).isNull();
  }
}
