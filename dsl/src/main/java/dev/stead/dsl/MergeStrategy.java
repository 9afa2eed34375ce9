package dev.stead.dsl;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How {@code lookup} combines the values found at several levels of the data hierarchy. */
public enum MergeStrategy {
  /** The value of the most specific level that has the key (the default). */
  FIRST,
  /** Every level's list (a scalar counts as a one-element list), concatenated, duplicates dropped, most specific first. */
  UNIQUE,
  /** Maps merged key by key, top level only; the more specific level wins a key. */
  HASH,
  /** Maps merged recursively; the more specific level wins wherever the values are not both maps. */
  DEEP;

  /** The name written in code: {@code first}, {@code unique}, {@code hash}, {@code deep}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<MergeStrategy> parse(String label) {
    return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst();
  }

  /** "first, unique, hash, deep", for error messages. */
  public static String labels() {
    return Arrays.stream(values()).map(MergeStrategy::label).collect(Collectors.joining(", "));
  }
}
