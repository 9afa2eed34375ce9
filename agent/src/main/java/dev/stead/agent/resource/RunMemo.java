package dev.stead.agent.resource;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What resources of one run share to avoid asking the machine the same question twice (the
 * package database is read once per run, not once per package). Lives exactly as long as
 * its {@link ApplyContext}; a type that changes what it cached calls {@link #forget}.
 * Thread-safe.
 */
public final class RunMemo {
  /** A typed slot; compare by identity, so each type declares its own constant. */
  public static final class Key<T> {
    private final String name;

    public Key(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final Map<Key<?>, Object> values = new HashMap<>();

  /** The value in {@code key}, computed by {@code compute} the first time (or after forget). */
  @SuppressWarnings("unchecked")
  public synchronized <T> T get(Key<T> key, Supplier<T> compute) {
    Object value = values.get(key);
    if (value == null) {
      value = compute.get();
      values.put(key, value);
    }
    return (T) value;
  }

  public synchronized void forget(Key<?> key) {
    values.remove(key);
  }
}
