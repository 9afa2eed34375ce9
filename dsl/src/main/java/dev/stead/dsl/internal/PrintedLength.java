package dev.stead.dsl.internal;

import groovy.lang.GString;
import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;

/**
 * At least how many characters the string form of a value has ({@code toString()},
 * {@code inspect()}, a GString), counted without building it. Turning a list of a million
 * references to one long string into text allocates gigabytes in one library call, which the
 * memory bound cannot interrupt midway; counting first lets the sandbox refuse it. Strings
 * count their length, collections, maps and arrays their elements plus two characters each,
 * anything else one. Counting stops once past the limit, so it costs at most about
 * {@code limit} steps. Stateless.
 */
final class PrintedLength {
  private PrintedLength() {}

  /** The length counted, or a number above {@code limit} once it is reached. */
  static long of(Object value, long limit) {
    ArrayDeque<Object> pending = new ArrayDeque<>();
    pending.push(value == null ? "null" : value);
    long length = 0;
    while (!pending.isEmpty() && length <= limit) {
      Object v = pending.pop();
      if (v instanceof GString g) {
        for (String s : g.getStrings()) {
          length += s.length();
        }
        length = push(pending, g.getValues(), length, limit, 0);
      } else if (v instanceof CharSequence s) {
        length += s.length();
      } else if (v instanceof Collection<?> c) {
        length = push(pending, c, length + 2, limit, 2);
      } else if (v instanceof Map<?, ?> m) {
        length += 2;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (length > limit) {
            break;
          }
          length += 4;
          pending.push(e.getKey() == null ? "null" : e.getKey());
          pending.push(e.getValue() == null ? "null" : e.getValue());
        }
      } else if (v instanceof Object[] array) {
        length = push(pending, java.util.Arrays.asList(array), length + 2, limit, 2);
      } else if (v.getClass().isArray()) {
        length += 2 + 3L * Array.getLength(v);
      } else {
        length += 1;
      }
    }
    return length;
  }

  private static long push(ArrayDeque<Object> pending, Iterable<?> items, long length, long limit,
      int each) {
    long n = length;
    for (Object item : items) {
      if (n > limit) {
        break;
      }
      n += each;
      pending.push(item == null ? "null" : item);
    }
    return n;
  }

  private static long push(ArrayDeque<Object> pending, Object[] items, long length, long limit,
      int each) {
    return push(pending, java.util.Arrays.asList(items), length, limit, each);
  }
}
