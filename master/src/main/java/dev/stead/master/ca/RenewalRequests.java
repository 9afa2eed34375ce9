package dev.stead.master.ca;

import dev.stead.master.storage.SharedState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renewals a master without the CA key received, kept in the shared store for the CA master:
 * one per node (a newer one replaces it), with the serial the node presented and its CSR.
 * Thread-safe.
 */
final class RenewalRequests {
  private static final String PREFIX = "ca/renewal/";

  /**
   * One stored renewal. Immutable.
   *
   * @param certname the node
   * @param serial the serial of the certificate the node presented
   * @param csrPem its request
   */
  record Request(String certname, BigInteger serial, String csrPem) {}

  private final SharedState shared;

  RenewalRequests(SharedState shared) {
    this.shared = shared;
  }

  void put(String certname, BigInteger serial, String csrPem) {
    shared.putSharedValue(PREFIX + certname, serial.toString(16) + "\n" + csrPem);
  }

  /** Every stored renewal, by certname; an unreadable one is left out. */
  List<Request> all() {
    List<Request> out = new ArrayList<>();
    for (String name : shared.sharedNames(PREFIX)) {
      read(name).ifPresent(out::add);
    }
    return out;
  }

  void remove(String certname) {
    shared.deleteSharedValue(PREFIX + certname);
  }

  private Optional<Request> read(String name) {
    Optional<String> text = shared.sharedValue(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    int newline = text.get().indexOf('\n');
    try {
      return Optional.of(new Request(name.substring(PREFIX.length()),
          new BigInteger(text.get().substring(0, newline), 16),
          text.get().substring(newline + 1)));
    } catch (RuntimeException e) {
      shared.deleteSharedValue(name);
      return Optional.empty();
    }
  }
}
