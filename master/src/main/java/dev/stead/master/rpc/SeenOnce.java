package dev.stead.master.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the last {@code capacity} distinct keys, so that a message repeated by every node
 * on every run is logged once. Thread-safe.
 */
final class SeenOnce {
  private final Map<String, Boolean> seen;

  SeenOnce(int capacity) {
    this.seen = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True the first time {@code key} is seen (again once it has been forgotten). */
  synchronized boolean firstTime(String key) {
    return seen.put(key, Boolean.TRUE) == null;
  }
}
