package dev.stead.dsl.testkit;

import dev.stead.proto.v1.Facts;
import dev.stead.wire.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Facts for module tests, starting from a typical node and overriding single facts by
 * dotted path: {@code TestFacts.debian().with("processors.count", 8).toFacts()}. Immutable:
 * {@link #with} returns a copy.
 */
public final class TestFacts {
  private final Map<String, Object> values;

  private TestFacts(Map<String, Object> values) {
    this.values = values;
  }

  /** No facts at all. */
  public static TestFacts empty() {
    return new TestFacts(new TreeMap<>());
  }

  /** A Debian 12 node, web01.example.com, 2 processors, 4 GiB. */
  public static TestFacts debian() {
    return empty()
        .with("os.family", "Debian").with("os.name", "Debian").with("os.release.full", "12.5")
        .with("kernelrelease", "6.1.0-18-amd64").with("processors.count", 2)
        .with("memory.system.total_bytes", 4L << 30)
        .with("networking.hostname", "web01").with("networking.fqdn", "web01.example.com")
        .with("networking.ip", "192.0.2.10");
  }

  /** A RedHat family node (Rocky 9), otherwise like {@link #debian()}. */
  public static TestFacts redhat() {
    return debian().with("os.family", "RedHat").with("os.name", "Rocky")
        .with("os.release.full", "9.3");
  }

  /** A copy with the fact at {@code dottedPath} (e.g. {@code os.family}) set to {@code value}. */
  public TestFacts with(String dottedPath, Object value) {
    Map<String, Object> copy = deepCopy(values);
    String[] parts = dottedPath.split("\\.");
    Map<String, Object> at = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = at.get(parts[i]);
      if (!(next instanceof Map)) {
        next = new TreeMap<String, Object>();
        at.put(parts[i], next);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> child = (Map<String, Object>) next;
      at = child;
    }
    at.put(parts[parts.length - 1], value);
    return new TestFacts(copy);
  }

  public Facts toFacts() {
    return Facts.newBuilder().putAllValues(Values.ofMap(values)).build();
  }

  private static Map<String, Object> deepCopy(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) m;
        out.put(k, deepCopy(child));
      } else {
        out.put(k, v);
      }
    });
    return out;
  }
}
