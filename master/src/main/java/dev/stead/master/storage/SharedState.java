package dev.stead.master.storage;

import java.util.List;
import java.util.Optional;

/**
 * Small named text values every master on one shared store must agree on (the CA
 * certificate, the CRL, masters' own certificate requests). Only a store several masters may
 * share implements it. Thread-safe; every write is durable before the method returns.
 */
public interface SharedState {

  Optional<String> sharedValue(String name);

  /** Stores {@code value} unless {@code name} has one; returns the value stored now. */
  String putSharedValueIfAbsent(String name, String value);

  /** Inserts or replaces the value of {@code name}. */
  void putSharedValue(String name, String value);

  /** Removes {@code name} (nothing when absent). */
  void deleteSharedValue(String name);

  /** The names that start with {@code prefix}, sorted. */
  List<String> sharedNames(String prefix);
}
