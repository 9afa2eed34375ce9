package dev.stead.agent.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The masters an agent may use, in order of preference: {@code --server a:8140,b:8140} (or
 * {@code server = ...} in the agent's settings file). One entry is the usual single master.
 * Immutable.
 */
public record MasterList(List<MasterAddress> addresses) {
  public MasterList {
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("--server names no master");
    }
    if (addresses.stream().map(MasterAddress::toString).distinct().count() < addresses.size()) {
      throw new IllegalArgumentException("--server names a master twice: " + addresses);
    }
  }

  /**
   * Parses {@code --server}: comma-separated addresses, each read as {@link MasterAddress#parse}
   * reads one.
   *
   * @throws IllegalArgumentException naming {@code --server}, the entry and what is wrong
   */
  public static MasterList parse(String server) {
    List<MasterAddress> out = new ArrayList<>();
    String[] entries = server.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("--server entry " + (i + 1) + " of '" + server
            + "' is empty");
      }
      out.add(MasterAddress.parse(entry));
    }
    return new MasterList(out);
  }

  public int size() {
    return addresses.size();
  }

  public MasterAddress get(int index) {
    return addresses.get(index);
  }

  @Override
  public String toString() {
    return String.join(",", addresses.stream().map(MasterAddress::toString).toList());
  }
}
